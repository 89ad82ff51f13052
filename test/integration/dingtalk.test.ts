import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signRobotUrl } from '../../src/chat/dingtalk-sign.ts';
import { createDingtalkStreamStarter } from '../../src/chat/dingtalk-stream.ts';
import { postJson } from '../../src/chat/http.ts';
import type { LongConnection } from '../../src/chat/long-connection.ts';
import { startDingtalkRobot, TOO_FAST_ANSWER } from '../helpers/dingtalk-robot.ts';
import { robotFrame, startDingtalkStreamServer } from '../helpers/dingtalk-stream-server.ts';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { createVillageWithTokens } from '../helpers/village.ts';

/** DingTalk end to end on the real stack: signed pushes to a local robot, HTTP callbacks, and Stream mode. */

const SEC_A = 'SECa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const SEC_S = 'SECstreamchannel0123456789abcdef0123456789abcdef0123456789abcdef';
const SEC_C = 'SECbusyrobot0123456789abcdef0123456789abcdef';
const APP_SECRET = 'dingtalk-app-secret-0123456789';
const KEYWORD = '阳光议事';

/** chat-protocols.md Appendix C, written out here rather than imported from the code under test. */
const dingSign = (ts: number | string, secret: string) => createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');

describe('DingTalk channel', () => {
  let h: Harness;
  let robot: Awaited<ReturnType<typeof startDingtalkRobot>>;
  let stream: Awaited<ReturnType<typeof startDingtalkStreamServer>>;
  let connection: LongConnection | null = null;
  let villageId: string;
  let secretary: Record<string, string>;
  let committee: Record<string, string>;
  let channelId: string;
  let streamChannelId: string;
  let motionId: string;
  const members: Record<string, string> = {};

  const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => h.app.inject({ method, url, headers, payload });
  const votesOf = async (memberId: string) => {
    const log = await api('GET', `/api/villages/${villageId}/log?limit=1000`, committee);
    return log.json().entries.filter((e: { type: string; payload: { memberId?: string } }) => e.type === 'vote.cast' && e.payload.memberId === memberId);
  };
  const robotMessage = (over: Record<string, unknown>) => ({
    msgtype: 'text', conversationType: '2', conversationId: 'cid-yangguang', conversationTitle: '阳光村村民群', isInAtList: true,
    chatbotCorpId: 'ding-corp', chatbotUserId: '$:LWCP_v1:$bot', robotCode: 'dingrobot', senderCorpId: 'ding-corp', senderNick: '村民',
    createAt: Date.now(), sessionWebhookExpiredTime: Date.now() + 90 * 60_000, ...over,
  });
  const callback = (body: object, opts: { timestamp?: number; secret?: string; channel?: string } = {}) => {
    const timestamp = opts.timestamp ?? Date.now();
    return h.app.inject({
      method: 'POST',
      url: `/hooks/dingtalk/${opts.channel ?? channelId}`,
      headers: { 'content-type': 'application/json', timestamp: String(timestamp), sign: dingSign(timestamp, opts.secret ?? APP_SECRET) },
      payload: JSON.stringify(body),
    });
  };
  const createChannel = async (vid: string, auth: Record<string, string>, payload: object) => {
    const res = await api('POST', `/api/villages/${vid}/channels`, auth, { platform: 'dingtalk', ...payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const postAgenda = async (vid: string, auth: Record<string, string>, title: string) => {
    const meeting = await api('POST', `/api/villages/${vid}/meetings`, auth, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    expect(meeting.statusCode, meeting.body).toBe(201);
    const motion = await api('POST', `/api/meetings/${meeting.json().id}/motions`, auth, { title, text: `${title}的具体方案`, decidingBody: 'villagers_assembly' });
    expect(motion.statusCode, motion.body).toBe(201);
    const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, auth);
    expect(posted.statusCode, posted.body).toBe(202);
    return { motionId: motion.json().id as string, deliveries: posted.json().deliveries as string[] };
  };
  const outboxRow = (id: string) => h.core.db.outboundMessage.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    h = await createHarness({ workers: true });
    robot = await startDingtalkRobot([
      { token: 'tok-a', secret: SEC_A, keyword: KEYWORD },
      { token: 'tok-s', secret: SEC_S },
      { token: 'tok-c', secret: SEC_C },
      { token: 'tok-b', secret: 'SECtheRealSecretOfRobotB0123456789' },
      { token: 'tok-d', keyword: '村务公开' },
    ]);
    stream = await startDingtalkStreamServer();
    ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '阳光村', code: '330106001001' }));
    for (const [key, name] of [['zhang', '张三'], ['li', '李四'], ['wang', '王五']] as const) {
      const res = await api('POST', `/api/villages/${villageId}/members`, secretary, { name, householdId: `H-${key}`, isAdult: true, roles: ['villager'] });
      expect(res.statusCode, res.body).toBe(201);
      members[key] = res.json().id;
      const bind = await api('POST', `/api/villages/${villageId}/members/${members[key]}/identities`, secretary, { platform: 'dingtalk', externalId: `staff-${key}` });
      expect(bind.statusCode, bind.body).toBe(201);
    }
    channelId = await createChannel(villageId, secretary, {
      name: '阳光村村民群', outbound: { url: robot.sendUrl('tok-a'), secret: SEC_A }, inbound: { appSecret: APP_SECRET },
      settings: { keyword: KEYWORD, receiveMode: 'http', windowSeconds: 300, botName: '村务助手' },
    });
    streamChannelId = await createChannel(villageId, secretary, {
      name: '阳光村村民群（Stream）', outbound: { url: robot.sendUrl('tok-s'), secret: SEC_S }, inbound: { appSecret: APP_SECRET, clientId: 'dingstreamclient' },
      settings: { receiveMode: 'stream', windowSeconds: 3600 },
    });
  });

  afterAll(async () => {
    await connection?.close();
    // The per-robot budgets expire on their own; this suite leaves none behind.
    const budgets = (await h?.core.redis.keys(`${h.prefix}:rl:*`)) ?? [];
    if (budgets.length > 0) await h.core.redis.del(...budgets);
    await h?.close();
    await stream?.close();
    await robot?.close();
  });

  it('the local robot checks the query sign as DingTalk does', async () => {
    const body = JSON.stringify({ msgtype: 'text', text: { content: `测试 ${KEYWORD}` } });
    const send = async (query: string) => JSON.parse((await postJson(`${robot.sendUrl('tok-a')}${query}`, body)).body);
    let ts = Date.now();
    while (!dingSign(ts, SEC_A).includes('+')) ts++; // a "+" not url-encoded reads as a space
    expect(await send(`&timestamp=${ts}&sign=${encodeURIComponent(dingSign(ts, SEC_A))}`)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await send(new URL(signRobotUrl(robot.sendUrl('tok-a'), SEC_A, ts)).search.replace(/^\?access_token=tok-a/, ''))).toEqual({ errcode: 0, errmsg: 'ok' });
    const notMatching = { errcode: 310000, errmsg: 'sign not match' };
    expect(await send(`&timestamp=${ts}&sign=${dingSign(ts, SEC_A)}`)).toEqual(notMatching);
    const seconds = Math.floor(ts / 1000);
    expect(await send(`&timestamp=${seconds}&sign=${encodeURIComponent(dingSign(seconds, SEC_A))}`)).toEqual(notMatching);
    expect(await send('')).toEqual(notMatching);
    expect(JSON.parse((await postJson(robot.sendUrl('tok-nope'), body)).body)).toEqual({ errcode: 300001, errmsg: 'token is not exist' });
  });

  it('pushes the agenda as signed markdown within the limits, with the keyword', async () => {
    const before = robot.requests.length;
    const posted = await postAgenda(villageId, secretary, '村西道路硬化');
    motionId = posted.motionId;
    expect(posted.deliveries).toHaveLength(2);
    for (const id of posted.deliveries) await eventually(async () => (await outboxRow(id)).status === 'delivered');
    const sends = robot.requests.slice(before).filter((r) => r.path === '/robot/send');
    expect(sends.map((r) => r.answer.errcode)).toEqual([0, 0]);
    const toA = sends.find((r) => r.query.get('access_token') === 'tok-a')!;
    const timestamp = Number(toA.query.get('timestamp'));
    expect(Math.abs(timestamp - Date.now())).toBeLessThan(60_000);
    expect(toA.query.get('sign')).toBe(dingSign(timestamp, SEC_A));
    expect(toA.query.getAll('sign')).toHaveLength(1);
    expect(Buffer.byteLength(toA.rawBody)).toBeLessThanOrEqual(20_000);
    expect(toA.body).toMatchObject({ msgtype: 'markdown', markdown: { title: expect.stringContaining('阳光议事') } });
    expect(toA.body.markdown.text).toContain('**第1项　村西道路硬化**');
    expect(toA.body.markdown.text).not.toMatch(/[^\n]\n[^\n]/);
  });

  it('a vote from a bound member reaches the decision log exactly once, and the reply takes the sessionWebhook', async () => {
    const body = robotMessage({ msgId: 'msg-zhang-1', senderStaffId: 'staff-zhang', senderId: '$:LWCP_v1:$zhang', text: { content: ' 同意' }, sessionWebhook: robot.session('sess-zhang') });
    const first = await callback(body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({});
    const again = await callback(body, { timestamp: Date.now() + 5 });
    expect(again.statusCode).toBe(200);
    await eventually(async () => (await votesOf(members.zhang)).length === 1);
    const reply = await eventually(async () => robot.requests.find((r) => r.path === '/robot/sendBySession' && r.query.get('session') === 'sess-zhang'));
    expect(reply.body.msgtype).toBe('text');
    expect(reply.body.text.content).toContain('张三，已记录您对第1项「村西道路硬化」的表决：同意');
    expect(reply.query.has('timestamp') || reply.query.has('sign')).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(await votesOf(members.zhang)).toHaveLength(1);
    expect(await h.core.db.inboundMessage.count({ where: { messageId: 'msg-zhang-1' } })).toBe(1);
  });

  it('after the sessionWebhook expired the reply goes through the channel\'s signed push side', async () => {
    const res = await callback(robotMessage({ msgId: 'msg-li-1', senderStaffId: 'staff-li', text: { content: '反对' }, sessionWebhook: robot.session('sess-li'), sessionWebhookExpiredTime: Date.now() - 1_000 }));
    expect(res.statusCode).toBe(200);
    const reply = await eventually(async () => robot.requests.find((r) => r.path === '/robot/send' && r.body.text?.content?.includes('李四')));
    expect(reply.answer).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(reply.query.get('sign')).toBe(dingSign(reply.query.get('timestamp')!, SEC_A));
    expect(reply.body.text.content).toContain(`【${KEYWORD}】`);
    expect(robot.requests.some((r) => r.query.get('session') === 'sess-li')).toBe(false);
    expect(await votesOf(members.li)).toHaveLength(1);
  });

  it('refuses forged, late and malformed callbacks and stores nothing', async () => {
    const body = (msgId: string) => robotMessage({ msgId, senderStaffId: 'staff-wang', text: { content: '同意' }, sessionWebhook: robot.session('sess-x') });
    const forged = await callback(body('msg-forged'), { secret: 'not-the-app-secret-0123456789' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().message).toMatch(/sign/);
    const late = await callback(body('msg-late'), { timestamp: Date.now() - 301_000 });
    expect(late.statusCode).toBe(401);
    expect(late.json().message).toMatch(/window/);
    expect((await callback(body('msg-future'), { timestamp: Date.now() + 2 * 3_600_000 })).statusCode).toBe(401);
    const unsigned = await h.app.inject({ method: 'POST', url: `/hooks/dingtalk/${channelId}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body('msg-unsigned')) });
    expect(unsigned.statusCode).toBe(401);
    const notJson = await h.app.inject({ method: 'POST', url: `/hooks/dingtalk/${channelId}`, headers: { 'content-type': 'application/json', timestamp: '1', sign: 'x' }, payload: '{' });
    expect(notJson.statusCode).toBe(401);
    expect((await callback({ ...body('x'), msgId: undefined })).statusCode).toBe(400);
    expect((await callback(body('msg-wrong-channel'), { channel: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    const picture = await callback(robotMessage({ msgId: 'msg-picture', msgtype: 'picture', senderStaffId: 'staff-wang', content: { downloadCode: 'dc' } }));
    expect(picture.statusCode).toBe(200);
    expect(picture.json()).toEqual({});
    expect(await h.core.db.inboundMessage.count({ where: { messageId: { in: ['msg-forged', 'msg-late', 'msg-future', 'msg-unsigned', 'msg-picture', 'msg-wrong-channel'] } } })).toBe(0);
    expect(await votesOf(members.wang)).toHaveLength(0);
  });

  it('Stream mode: the real DWClient acks a robot CALLBACK after storing it, and a re-push counts once', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    const channel = (await h.core.services.channels.load(streamChannelId))!;
    const deliver = (msg: Parameters<typeof h.core.services.chatInbound.acceptFromChannel>[1]) => h.core.services.chatInbound.acceptFromChannel(channel, msg, () => {});
    connection = await createDingtalkStreamStarter({ connect: stream.connect })(channel, deliver, { info: () => {}, warn: () => {} });
    const frame = robotFrame(robotMessage({ msgId: 'msg-wang-stream', senderStaffId: 'staff-wang', text: { content: ' 同意' }, sessionWebhook: robot.session('sess-wang') }), 'stream-frame-1');
    stream.push(frame);
    const ack = await eventually(async () => stream.acks.find((a) => a.headers.messageId === 'stream-frame-1'));
    expect(ack).toEqual({ code: 200, headers: { contentType: 'application/json', messageId: 'stream-frame-1' }, message: 'OK', data: JSON.stringify({ response: { status: 'accepted' } }) });
    stream.push(frame);
    await eventually(async () => stream.acks.filter((a) => a.headers.messageId === 'stream-frame-1').length === 2);
    expect(stream.acks.at(-1)!.data).toBe(JSON.stringify({ response: { status: 'duplicate' } }));
    await eventually(async () => (await votesOf(members.wang)).length === 1);
    const reply = await eventually(async () => robot.requests.find((r) => r.query.get('session') === 'sess-wang'));
    expect(reply.body.text.content).toContain('王五，已记录');
    await new Promise((r) => setTimeout(r, 300));
    expect(await votesOf(members.wang)).toHaveLength(1);
    expect(await h.core.db.inboundMessage.count({ where: { messageId: 'msg-wang-stream' } })).toBe(1);
  });

  it('130101 delays the job and blocks the robot for 10 minutes; the promoted job is delivered', async () => {
    robot.answerNext('tok-a', TOO_FAST_ANSWER);
    const closed = await api('POST', `/api/motions/${motionId}/close`, secretary);
    expect(closed.statusCode, closed.body).toBe(200);
    const outboundId = `result-${motionId}-${channelId}`;
    await eventually(async () => (await h.core.queues.deliveries.getJobState(outboundId)) === 'delayed');
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'pending', partsSent: 0, lastError: 'DingTalk 130101: send too fast, exceed 20 times per minute' });
    const [blockKey] = await h.core.redis.keys(`${h.prefix}:rl:block*${channelId}`);
    expect(await h.core.redis.pttl(blockKey)).toBeGreaterThan(590_000);
    const job = await h.core.queues.deliveries.getJob(outboundId);

    // Ten minutes later: the block has expired and the delayed job comes due.
    await h.core.redis.del(blockKey);
    await job!.promote();
    await eventually(async () => (await outboxRow(outboundId)).status === 'delivered');
    const result = robot.requests.filter((r) => r.query.get('access_token') === 'tok-a' && r.body.markdown?.title?.startsWith('表决结果'));
    expect(result.map((r) => r.answer.errcode)).toEqual([130101, 0]);
  });

  it('keeps to 20 pushes a minute per robot: the 21st waits in the queue and DingTalk never throttles', async () => {
    const busy = await createChannel(villageId, secretary, { name: '忙碌的群', outbound: { url: robot.sendUrl('tok-c'), secret: SEC_C }, inbound: { appSecret: APP_SECRET } });
    // Strangers get the "please bind" reply: 21 messages, 21 replies through this robot.
    for (let i = 0; i < 21; i++) {
      const res = await callback(robotMessage({ msgId: `msg-busy-${i}`, senderStaffId: `stranger-${i}`, text: { content: '同意' } }), { channel: busy });
      expect(res.statusCode).toBe(200);
    }
    const rows = () => h.core.db.outboundMessage.findMany({ where: { channelId: busy }, select: { id: true, status: true } });
    await eventually(async () => {
      const all = await rows();
      return all.length === 21 && all.filter((r) => r.status === 'delivered').length === 20;
    }, 20_000);
    const waiting = (await rows()).find((r) => r.status === 'pending')!;
    await eventually(async () => (await h.core.queues.deliveries.getJobState(waiting.id)) === 'delayed');
    const sends = robot.requests.filter((r) => r.query.get('access_token') === 'tok-c');
    expect(sends).toHaveLength(20);
    expect(sends.every((r) => r.answer.errcode === 0)).toBe(true);
  });

  it('configuration errors fail without retry and mark the channel unhealthy with DingTalk\'s message', async () => {
    const other = await createVillageWithTokens(h, { name: '东风村', code: '330106001002' });
    const wrongSecret = await createChannel(other.villageId, other.secretary, { name: '签名错', outbound: { url: robot.sendUrl('tok-b'), secret: 'SECnotTheSecretOfRobotB0123456789' } });
    const wrongToken = await createChannel(other.villageId, other.secretary, { name: '令牌错', outbound: { url: robot.sendUrl('tok-unknown') } });
    const noKeyword = await createChannel(other.villageId, other.secretary, { name: '缺关键词', outbound: { url: robot.sendUrl('tok-d') } });
    const { deliveries } = await postAgenda(other.villageId, other.secretary, '修缮祠堂');
    expect(deliveries).toHaveLength(3);
    for (const id of deliveries) await eventually(async () => (await outboxRow(id)).status === 'failed');
    for (const id of deliveries) expect((await outboxRow(id)).attempts).toBe(1);
    const listed = await api('GET', `/api/villages/${other.villageId}/channels`, other.secretary);
    const health = Object.fromEntries(listed.json().channels.map((c: { id: string; healthy: boolean; healthMessage: string }) => [c.id, [c.healthy, c.healthMessage]]));
    expect(health).toEqual({
      [wrongSecret]: [false, 'DingTalk 310000: sign not match'],
      [wrongToken]: [false, 'DingTalk 300001: token is not exist'],
      [noKeyword]: [false, 'DingTalk 310000: keywords not in content'],
    });
    const healthy = await api('GET', `/api/villages/${villageId}/channels`, secretary);
    expect(healthy.json().channels.every((c: { healthy: boolean }) => c.healthy)).toBe(true);
  });
});
