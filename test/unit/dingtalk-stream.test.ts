import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDingtalkStreamStarter } from '../../src/chat/dingtalk-stream.ts';
import type { LongConnection } from '../../src/chat/long-connection.ts';
import type { ChannelWithSecrets } from '../../src/services/channels.ts';
import type { ChannelMessage } from '../../src/services/chat-inbound.ts';
import { robotFrame, startDingtalkStreamServer } from '../helpers/dingtalk-stream-server.ts';

/** The real dingtalk-stream DWClient against a local WebSocket server playing DingTalk (no network). */

const channel: ChannelWithSecrets = {
  id: 'c-1', villageId: 'v-1', platform: 'dingtalk', name: '村民群', healthy: true,
  outboundUrl: 'http://127.0.0.1:9/robot/send?access_token=t', outboundSecret: null,
  inbound: { appSecret: 'app-secret-0123456789', clientId: 'dingclientid' },
  settings: { receiveMode: 'stream', windowSeconds: 3600 },
};

const message = (over: Record<string, unknown> = {}) => ({
  msgtype: 'text', msgId: 'msg-1', senderStaffId: 'staff-1', senderId: '$:LWCP_v1:$x', createAt: 1_774_080_994_334,
  text: { content: ' 同意' }, sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s', sessionWebhookExpiredTime: 1_774_086_394_522,
  conversationType: '2', ...over,
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await pause(20);
  expect(check()).toBe(true);
};

describe('DingTalk Stream mode', () => {
  let server: Awaited<ReturnType<typeof startDingtalkStreamServer>>;
  let connection: LongConnection | null;
  const log = { info: vi.fn(), warn: vi.fn() };

  beforeEach(async () => {
    server = await startDingtalkStreamServer();
    connection = null;
    log.info.mockReset();
    log.warn.mockReset();
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });

  afterEach(async () => {
    await connection?.close();
    await server.close();
    vi.restoreAllMocks();
  });

  const start = (deliver: (msg: ChannelMessage) => Promise<unknown>, ch = channel) => createDingtalkStreamStarter({ connect: server.connect })(ch, deliver, log);

  it('delivers the normalised message and acknowledges only after delivery resolved', async () => {
    let resolve!: (v: string) => void;
    const delivered: ChannelMessage[] = [];
    connection = await start((msg) => {
      delivered.push(msg);
      return new Promise((r) => (resolve = r));
    });
    server.push(robotFrame(message(), 'frame-a'));
    await until(() => delivered.length === 1);
    expect(delivered[0]).toEqual({
      messageId: 'msg-1', senderId: 'staff-1', text: '同意', sentAt: new Date(1_774_080_994_334),
      replyVia: { url: 'https://oapi.dingtalk.com/robot/sendBySession?session=s', expiresAt: new Date(1_774_086_394_522).toISOString() },
    });
    await pause(150);
    expect(server.acks).toEqual([]);
    resolve('accepted');
    await until(() => server.acks.length === 1);
    expect(server.acks[0]).toEqual({ code: 200, headers: { contentType: 'application/json', messageId: 'frame-a' }, message: 'OK', data: JSON.stringify({ response: { status: 'accepted' } }) });
  });

  it('leaves a message it could not store unacknowledged, so DingTalk pushes it again', async () => {
    let calls = 0;
    connection = await start(async () => {
      if (++calls === 1) throw new Error('database down');
      return 'accepted';
    });
    server.push(robotFrame(message(), 'frame-b'));
    await until(() => log.warn.mock.calls.length === 1);
    await pause(100);
    expect(server.acks).toEqual([]);
    server.push(robotFrame(message(), 'frame-b'));
    await until(() => server.acks.length === 1);
    expect(server.acks[0].headers.messageId).toBe('frame-b');
    expect(calls).toBe(2);
  });

  it('acknowledges non-text and malformed messages without delivering them', async () => {
    const deliver = vi.fn(async () => 'accepted');
    connection = await start(deliver);
    server.push(robotFrame(message({ msgtype: 'picture', text: undefined }), 'frame-pic'));
    server.push({ ...robotFrame({}), data: 'not json', headers: { ...robotFrame({}).headers, messageId: 'frame-bad' } });
    await until(() => server.acks.length === 2);
    expect(server.acks.map((a) => [a.headers.messageId, a.data])).toEqual([
      ['frame-pic', JSON.stringify({ response: { status: 'ignored' } })],
      ['frame-bad', JSON.stringify({ response: { status: 'ignored' } })],
    ]);
    expect(deliver).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('drops a sessionWebhook outside DingTalk and the push host', async () => {
    const delivered: ChannelMessage[] = [];
    connection = await start(async (msg) => void delivered.push(msg));
    server.push(robotFrame(message({ sessionWebhook: 'http://10.0.0.1/steal' })));
    await until(() => delivered.length === 1);
    expect(delivered[0].replyVia).toBeUndefined();
  });

  it('close() disconnects the socket', async () => {
    connection = await start(async () => 'accepted');
    await connection.close();
    connection = null;
    await until(() => server.closedSockets === 1);
  });

  it('needs clientId and appSecret, and reports a failed connect', async () => {
    await expect(start(async () => 'accepted', { ...channel, inbound: { appSecret: 'app-secret-0123456789' } })).rejects.toThrow(/clientId/);
    const failing = createDingtalkStreamStarter({ connect: async () => Promise.reject(new Error('gateway refused')) });
    await expect(failing(channel, async () => 'accepted', log)).rejects.toThrow('gateway refused');
  });
});
