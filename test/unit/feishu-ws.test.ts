import * as lark from '@larksuiteoapi/node-sdk';
import type { EventDispatcher } from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeishuLongConnectionStarter, type FeishuWsClient, type FeishuWsClientFactory } from '../../src/chat/feishu-ws.ts';
import type { ChannelWithSecrets } from '../../src/services/channels.ts';
import type { ChannelMessage } from '../../src/services/chat-inbound.ts';
import { messageEvent } from '../helpers/feishu.ts';
import { startFeishuWsGateway } from '../helpers/feishu-ws-gateway.ts';

/** Stands in for the SDK's WSClient: keeps the dispatcher and feeds it events the way WSClient does (invoke, needCheck false). */
class FakeWsClient implements FeishuWsClient {
  dispatcher: EventDispatcher | null = null;
  closed = false;
  constructor(readonly params: Parameters<FeishuWsClientFactory>[0]) {}
  async start({ eventDispatcher }: { eventDispatcher: EventDispatcher }) {
    this.dispatcher = eventDispatcher;
  }
  close() {
    this.closed = true;
  }
  push(event: object) {
    return this.dispatcher!.invoke(event, { needCheck: false });
  }
}

const channel = (inbound: Record<string, string> | null): ChannelWithSecrets => ({
  id: 'c-1', villageId: 'v-1', platform: 'feishu', name: '飞书群', outboundUrl: null, outboundSecret: null, inbound, settings: { receiveMode: 'long_connection' }, healthy: true,
});
const warnings: string[] = [];
const log = { info: () => {}, warn: (_obj: object, msg: string) => void warnings.push(msg) };

async function open(inbound: Record<string, string> | null = { appId: 'cli_a1b2c3d4e5f60718', appSecret: 'app-secret' }, deliver?: (m: ChannelMessage) => Promise<unknown>) {
  const clients: FakeWsClient[] = [];
  const delivered: ChannelMessage[] = [];
  const start = createFeishuLongConnectionStarter((params) => {
    const client = new FakeWsClient(params);
    clients.push(client);
    return client;
  });
  const connection = await start(channel(inbound), deliver ?? (async (m) => void delivered.push(m)), log);
  return { connection, client: clients[0], delivered };
}

describe('Feishu long connection (WSClient replaced by a fake)', () => {
  it('opens the client with the channel\'s appId and appSecret', async () => {
    const { client } = await open();
    expect(client.params).toMatchObject({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 'app-secret' });
    expect(client.dispatcher).not.toBeNull();
  });

  it('delivers a text message event to the pipeline', async () => {
    const { client, delivered } = await open();
    // WSClient passes the plaintext event body (schema 2.0) to the dispatcher, which flattens header and event.
    await client.push(messageEvent({ eventId: 'ev-1', messageId: 'om_1', openId: 'ou_zhang', text: '@_user_1 同意' }));
    expect(delivered).toEqual([{ messageId: 'om_1', senderId: 'ou_zhang', text: '@_user_1 同意', addressed: true, sentAt: new Date(1_609_073_151_345) }]);
  });

  it('ignores non-text messages and logs malformed ones', async () => {
    const { client, delivered } = await open();
    await client.push(messageEvent({ eventId: 'ev-2', messageId: 'om_2', openId: 'ou_zhang', text: '', messageType: 'image' }));
    const broken = messageEvent({ eventId: 'ev-3', messageId: 'om_3', openId: 'ou_zhang', text: '同意' });
    await client.push({ ...broken, event: { ...broken.event, message: { ...broken.event.message, content: '{oops' } } });
    expect(delivered).toEqual([]);
    expect(warnings).toContain('ignored a malformed feishu event');
  });

  it('lets a failing delivery fail the event, so the SDK answers Feishu with an error and it is redelivered', async () => {
    const { client } = await open(undefined, async () => {
      throw new Error('database down');
    });
    await expect(client.push(messageEvent({ eventId: 'ev-4', messageId: 'om_4', openId: 'ou_zhang', text: '同意' }))).rejects.toThrow('database down');
  });

  it('close() closes the client', async () => {
    const { connection, client } = await open();
    await connection.close();
    expect(client.closed).toBe(true);
  });

  it('refuses a channel without appId and appSecret', async () => {
    await expect(open({ verificationToken: 'vt' })).rejects.toThrow(/appId and appSecret/);
    await expect(open(null)).rejects.toThrow(/appId and appSecret/);
  });
});

describe('Feishu long connection with the SDK\'s real WSClient against a local gateway', () => {
  let gateway: Awaited<ReturnType<typeof startFeishuWsGateway>>;
  beforeAll(async () => {
    gateway = await startFeishuWsGateway();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('receives a protobuf event frame, delivers the message and acknowledges it; a failed delivery is answered 500', async () => {
    const delivered: ChannelMessage[] = [];
    let fail = false;
    const start = createFeishuLongConnectionStarter((params) => new lark.WSClient({ ...params, domain: gateway.domain, autoReconnect: false }));
    const connection = await start(channel({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 'app-secret' }), async (m) => {
      if (fail) throw new Error('database down');
      delivered.push(m);
    }, log);
    try {
      await eventually(() => gateway.connected());
      expect(gateway.endpointCalls).toEqual([{ AppID: 'cli_a1b2c3d4e5f60718', AppSecret: 'app-secret' }]);
      const id = gateway.sendEvent(messageEvent({ eventId: 'ev-ws', messageId: 'om_ws', openId: 'ou_li', text: '@_user_1 反对' }));
      await eventually(() => gateway.acks.some((a) => a.messageId === id));
      expect(delivered).toEqual([{ messageId: 'om_ws', senderId: 'ou_li', text: '@_user_1 反对', addressed: true, sentAt: new Date(1_609_073_151_345) }]);
      expect(gateway.acks.find((a) => a.messageId === id)!.payload).toMatchObject({ code: 200 });

      fail = true;
      const failed = gateway.sendEvent(messageEvent({ eventId: 'ev-ws-2', messageId: 'om_ws_2', openId: 'ou_li', text: '同意' }));
      await eventually(() => gateway.acks.some((a) => a.messageId === failed));
      expect(gateway.acks.find((a) => a.messageId === failed)!.payload).toMatchObject({ code: 500 });
    } finally {
      await connection.close();
    }
    await eventually(() => !gateway.connected());
  });
});

async function eventually(check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
