import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLongConnections } from '../../src/chat/connections.ts';
import { feishuSign } from '../../src/chat/feishu.ts';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { larkEncrypt, larkRequest, messageEvent, sdkData, startFeishuBot, type FeishuBot } from '../helpers/feishu.ts';

/** Stand-ins for the SDK's WSClient (which dials Feishu's servers): each keeps its dispatcher and feeds it like WSClient does. */
const fakeWs = vi.hoisted(() => ({ clients: [] as Array<{ params: Record<string, unknown>; dispatcher: { invoke(d: object, o: object): Promise<unknown> } | null; closed: boolean }> }));
vi.mock('@larksuiteoapi/node-sdk', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@larksuiteoapi/node-sdk')>();
  class FakeWSClient {
    state: (typeof fakeWs.clients)[number];
    constructor(params: Record<string, unknown>) {
      this.state = { params, dispatcher: null, closed: false };
      fakeWs.clients.push(this.state);
    }
    async start({ eventDispatcher }: { eventDispatcher: (typeof fakeWs.clients)[number]['dispatcher'] }) {
      this.state.dispatcher = eventDispatcher;
    }
    close() {
      this.state.closed = true;
    }
  }
  return { ...actual, WSClient: FakeWSClient };
});

const SECRET = 'SECfeishu-secret-0123';
const KEYWORD = '阳光议事';
const EK = 'feishu-encrypt-key-0123';
const VT = 'feishu-verification-token';
const quietLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

let h: Harness;
const bots: FeishuBot[] = [];
let villageCount = 0;

type Auth = Record<string, string>;
const api = (method: 'GET' | 'POST', url: string, headers: Auth, payload?: object) => h.app.inject({ method, url, headers, payload });
const outboxRow = (id: string) => h.core.db.outboundMessage.findUniqueOrThrow({ where: { id } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bot(config: Parameters<typeof startFeishuBot>[0]) {
  const b = await startFeishuBot(config);
  bots.push(b);
  return b;
}

/** A fresh village with one Feishu channel; a one-minute agenda lead keeps the planner from posting agendas itself. */
async function village(channel: { outbound?: object; inbound?: object; settings?: object }) {
  const created = await api('POST', '/api/villages', h.adminAuth, {
    name: `飞书村${++villageCount}`, code: `3301060040${String(villageCount).padStart(2, '0')}`, meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' }, agendaLeadMinutes: 1,
  });
  expect(created.statusCode, created.body).toBe(201);
  const villageId: string = created.json().id;
  const token = await api('POST', `/api/villages/${villageId}/tokens`, h.adminAuth, { role: 'secretary' });
  const secretary = { authorization: `Bearer ${token.json().token}` };
  const res = await api('POST', `/api/villages/${villageId}/channels`, secretary, { platform: 'feishu', name: '飞书村民群', ...channel });
  expect(res.statusCode, res.body).toBe(201);
  return { villageId, secretary, channelId: res.json().id as string };
}

/** Schedules a meeting with the given motions and posts its agenda; returns the id of the one outbox row. */
async function postAgenda(v: { villageId: string; secretary: Auth }, motions: Array<{ title: string; text: string }>) {
  const meeting = await api('POST', `/api/villages/${v.villageId}/meetings`, v.secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
  expect(meeting.statusCode, meeting.body).toBe(201);
  for (const m of motions) {
    const res = await api('POST', `/api/meetings/${meeting.json().id}/motions`, v.secretary, { ...m, decidingBody: 'villagers_assembly' });
    expect(res.statusCode, res.body).toBe(201);
  }
  const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, v.secretary);
  expect(posted.statusCode, posted.body).toBe(202);
  return posted.json().deliveries[0] as string;
}

async function channelHealth(v: { villageId: string; secretary: Auth; channelId: string }) {
  const res = await api('GET', `/api/villages/${v.villageId}/channels`, v.secretary);
  return res.json().channels.find((c: { id: string }) => c.id === v.channelId) as { healthy: boolean; healthMessage: string | null };
}

beforeAll(async () => {
  h = await createHarness({ workers: true });
});

afterAll(async () => {
  // The per-robot rate-limit budgets live in Redis under the suite's prefix; the harness removes only its queues.
  const keys = h ? await h.core.redis.keys(`${h.prefix}:rl:*`) : [];
  if (keys.length > 0) await h.core.redis.del(...keys);
  await h?.close();
  await Promise.all(bots.map((b) => b.close()));
});

describe('Feishu push on the real workers', () => {
  it('lands a long agenda as signed post parts within 20 KB, numbered, each with the keyword', async () => {
    const b = await bot({ secret: SECRET, keyword: KEYWORD });
    const v = await village({ outbound: { url: b.url, secret: SECRET }, settings: { format: 'post', keyword: KEYWORD } });
    const motions = Array.from({ length: 3 }, (_, i) => ({ title: `第${i + 1}组水渠清淤`, text: `清理第${i + 1}组灌溉水渠，所需费用从村集体经济中列支。\n`.repeat(160).trim() }));
    const outboundId = await postAgenda(v, motions);

    const row = await eventually(async () => ((await outboxRow(outboundId)).status === 'delivered' ? outboxRow(outboundId) : null));
    const parts = row.parts as unknown[];
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(row).toMatchObject({ partsSent: parts.length, attempts: parts.length, lastError: null });
    expect(b.requests).toHaveLength(parts.length);
    b.requests.forEach((r, i) => {
      expect(r.answer.body).toBe('{"code":0,"data":{},"msg":"success"}');
      expect(Buffer.byteLength(r.rawBody)).toBeLessThanOrEqual(20 * 1024);
      expect(r.body.sign).toBe(feishuSign(Number(r.body.timestamp), SECRET));
      expect(Math.abs(Number(r.body.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      const post = (r.body.content as { post: { zh_cn: { title: string } } }).post.zh_cn;
      expect(post.title).toMatch(new RegExp(`主题党日暨阳光议事 \\(${i + 1}/${parts.length}\\)$`));
      expect(r.rawBody).toContain(KEYWORD);
    });
  });

  it('lands an agenda as an interactive card', async () => {
    const b = await bot({ secret: SECRET });
    const v = await village({ outbound: { url: b.url, secret: SECRET }, settings: { format: 'card' } });
    const outboundId = await postAgenda(v, [{ title: '路灯维修', text: '更换十盏路灯' }]);
    await eventually(async () => (await outboxRow(outboundId)).status === 'delivered');
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0].body).toMatchObject({ msg_type: 'interactive', card: { header: { title: { content: expect.stringContaining('主题党日暨阳光议事') } }, elements: [{ tag: 'markdown', content: expect.stringContaining('**第1项　路灯维修**') }] } });
  });

  it.each([
    ['19021: a wrong secret', { secret: SECRET }, 'SECnot-the-secret-0123', 'Feishu 19021: sign match fail or timestamp is not within one hour from current time'],
    ['19024: the keyword is missing', { keyword: '村务通知' }, undefined, 'Feishu 19024: Key Words Not Found'],
  ])('%s fails without retry and marks the channel unhealthy, visible in the API', async (_name, botConfig, secret, message) => {
    const b = await bot(botConfig);
    const v = await village({ outbound: { url: b.url, secret }, settings: { format: 'post' } });
    const outboundId = await postAgenda(v, [{ title: '路灯维修', text: '更换十盏路灯' }]);
    await eventually(async () => (await h.core.queues.deliveries.getJobState(outboundId)) === 'failed');
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'failed', attempts: 1, lastError: message });
    expect(b.requests).toHaveLength(1);
    expect(await channelHealth(v)).toMatchObject({ healthy: false, healthMessage: message });
  });

  it.each([
    [9499, 400, '{"code":9499,"msg":"too many request","data":{}}'],
    [11232, 200, '{"code":11232,"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[2]"}'],
  ])('%i: the job is delayed, never dropped, and delivered once promoted', async (code, status, answer) => {
    const b = await bot({ secret: SECRET, override: () => ({ status, body: answer }) });
    const v = await village({ outbound: { url: b.url, secret: SECRET }, settings: { format: 'post' } });
    const outboundId = await postAgenda(v, [{ title: '路灯维修', text: '更换十盏路灯' }]);

    await eventually(async () => (await h.core.queues.deliveries.getJobState(outboundId)) === 'delayed');
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'pending', attempts: 1, partsSent: 0, lastError: expect.stringContaining(`Feishu ${code}`) });
    await pause(300);
    expect(b.requests).toHaveLength(1);

    // Feishu lets the robot send again; our own block for this robot (60 s) is lifted as time would.
    b.set({ override: undefined });
    await h.core.redis.del(`${h.prefix}:rl:block:${v.channelId}`);
    await (await h.core.queues.deliveries.getJob(outboundId))!.promote();
    await eventually(async () => (await outboxRow(outboundId)).status === 'delivered');
    expect(await outboxRow(outboundId)).toMatchObject({ attempts: 2, lastError: null });
    expect(b.requests.map((r) => r.answer.body)).toEqual([answer, '{"code":0,"data":{},"msg":"success"}']);
    expect(await channelHealth(v)).toMatchObject({ healthy: true });
  });
});

describe('Feishu receive', () => {
  let replies: FeishuBot;
  let enc: { villageId: string; secretary: Auth; channelId: string };
  let plain: { villageId: string; secretary: Auth; channelId: string };
  const hook = (channelId: string, req: { headers: Record<string, string>; body: string }) =>
    h.app.inject({ method: 'POST', url: `/hooks/feishu/${channelId}`, headers: req.headers, payload: req.body });
  const json = (body: object) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const votesCast = (villageId: string) => h.core.db.decisionLogEntry.count({ where: { villageId, type: 'vote.cast' } });
  const stored = (messageId: string) => h.core.db.inboundMessage.findMany({ where: { platform: 'feishu', messageId } });

  async function member(v: { villageId: string; secretary: Auth }, name: string, openId: string) {
    const res = await api('POST', `/api/villages/${v.villageId}/members`, v.secretary, { name, householdId: `H-${openId}`, isAdult: true, roles: ['villager'] });
    expect(res.statusCode, res.body).toBe(201);
    const bind = await api('POST', `/api/villages/${v.villageId}/members/${res.json().id}/identities`, v.secretary, { platform: 'feishu', externalId: openId });
    expect(bind.statusCode, bind.body).toBe(201);
  }

  beforeAll(async () => {
    replies = await bot({ secret: SECRET });
    enc = await village({ outbound: { url: replies.url, secret: SECRET }, inbound: { encryptKey: EK, verificationToken: VT }, settings: { format: 'post', botName: '村务助手' } });
    plain = await village({ inbound: { verificationToken: VT } });
    for (const v of [enc, plain]) {
      await member(v, '张三', `ou_zhang_${v.villageId.slice(0, 8)}`);
      await postAgenda(v, [{ title: '村西道路硬化', text: '硬化村西道路800米' }]);
    }
  });

  it('a vote "@_user_1 同意" from a bound member reaches the decision log exactly once, though delivered twice', async () => {
    const openId = `ou_zhang_${enc.villageId.slice(0, 8)}`;
    const event = messageEvent({ eventId: 'ev-vote-1', messageId: 'om_vote_1', openId, text: '@_user_1 同意', token: VT });
    const req = larkRequest(EK, event);

    // The official SDK accepts this very request (signature, decryption, dispatch) and decrypts what we encrypted.
    const dispatched: unknown[] = [];
    await new lark.EventDispatcher({ encryptKey: EK, verificationToken: VT, logger: quietLogger }).register({ 'im.message.receive_v1': async (e: unknown) => void dispatched.push(e) }).invoke(sdkData(req));
    expect(dispatched).toEqual([expect.objectContaining({ event_id: 'ev-vote-1', message: expect.objectContaining({ message_id: 'om_vote_1' }) })]);
    expect(JSON.parse(new lark.AESCipher(EK).decrypt(JSON.parse(req.body).encrypt))).toEqual(event);

    const started = Date.now();
    const first = await hook(enc.channelId, req);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({});

    // Feishu's redelivery (same event_id) and the same message under a new event_id.
    expect((await hook(enc.channelId, req)).json()).toEqual({});
    const again = larkRequest(EK, { ...event, header: { ...event.header, event_id: 'ev-vote-2' } });
    expect((await hook(enc.channelId, again)).statusCode).toBe(200);

    await eventually(async () => (await stored('om_vote_1'))[0]?.processedAt);
    await eventually(async () => replies.requests.some((r) => r.rawBody.includes('已记录')));
    await pause(500);
    expect(await stored('om_vote_1')).toHaveLength(1);
    expect((await stored('om_vote_1'))[0]).toMatchObject({ senderId: openId, text: '同意', sentAt: new Date(1_609_073_151_345) });
    expect(await votesCast(enc.villageId)).toBe(1);
    const reply = replies.requests.find((r) => r.rawBody.includes('已记录'))!;
    expect(reply.answer.body).toBe('{"code":0,"data":{},"msg":"success"}');
    expect(reply.rawBody).toContain('张三，已记录您对第1项「村西道路硬化」的表决：同意');
  });

  it('a forged signature is 401 and nothing is stored', async () => {
    const event = messageEvent({ eventId: 'ev-forged', messageId: 'om_forged', openId: `ou_zhang_${enc.villageId.slice(0, 8)}`, text: '@_user_1 反对', token: VT });
    const res = await hook(enc.channelId, larkRequest(EK, event, { signWith: 'not-the-encrypt-key' }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'Unauthorized', message: 'X-Lark-Signature does not match the body' });
    await pause(300);
    expect(await stored('om_forged')).toHaveLength(0);
  });

  it('without an Encrypt Key the Verification Token is checked: wrong token 401, right token accepted', async () => {
    const openId = `ou_zhang_${plain.villageId.slice(0, 8)}`;
    const wrong = messageEvent({ eventId: 'ev-p1', messageId: 'om_plain_1', openId, text: '@_user_1 同意', token: 'wrong-token' });
    expect((await hook(plain.channelId, json(wrong))).statusCode).toBe(401);
    expect(await stored('om_plain_1')).toHaveLength(0);
    const right = messageEvent({ eventId: 'ev-p2', messageId: 'om_plain_2', openId, text: '@_user_1 同意', token: VT });
    expect((await hook(plain.channelId, json(right))).json()).toEqual({});
    await eventually(async () => (await votesCast(plain.villageId)) === 1);
  });

  it('answers url_verification, plain and encrypted', async () => {
    const plainChallenge = await hook(plain.channelId, json({ challenge: 'ajls384kdjx98XX', token: VT, type: 'url_verification' }));
    expect(plainChallenge.statusCode).toBe(200);
    expect(plainChallenge.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
    expect((await hook(plain.channelId, json({ challenge: 'x', token: 'wrong', type: 'url_verification' }))).statusCode).toBe(401);
    const encrypted = { encrypt: larkEncrypt(EK, JSON.stringify({ challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad', token: VT, type: 'url_verification' })) };
    const encChallenge = await hook(enc.channelId, json(encrypted));
    expect(encChallenge.json()).toEqual({ challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad' });
  });

  it('an oversized body is 413, a non-text message is ignored, a malformed one is 400, an unknown channel 404', async () => {
    const big = messageEvent({ eventId: 'ev-big', messageId: 'om_big', openId: 'ou_x', text: '同'.repeat(30_000), token: VT });
    expect((await hook(plain.channelId, json(big))).statusCode).toBe(413);
    const image = messageEvent({ eventId: 'ev-img', messageId: 'om_img', openId: 'ou_x', text: '', token: VT, messageType: 'image' });
    const ignored = await hook(enc.channelId, larkRequest(EK, image));
    expect([ignored.statusCode, ignored.json()]).toEqual([200, {}]);
    expect((await hook(plain.channelId, json({ ...big, event: { message: {} } }))).statusCode).toBe(400);
    expect((await hook(plain.channelId, { headers: { 'content-type': 'application/json' }, body: '{' })).statusCode).toBe(400);
    expect((await hook('00000000-0000-4000-8000-000000000000', json(image))).statusCode).toBe(404);
    await pause(200);
    expect([...(await stored('om_big')), ...(await stored('om_img'))]).toHaveLength(0);
  });

  it('the long connection (WSClient replaced by a fake) feeds the same pipeline, once per message', async () => {
    const ws = await village({ inbound: { appId: 'cli_a1b2c3d4e5f60718', appSecret: 'feishu-app-secret' }, settings: { receiveMode: 'long_connection' } });
    const openId = `ou_zhang_${ws.villageId.slice(0, 8)}`;
    await member(ws, '张三', openId);
    await postAgenda(ws, [{ title: '路灯维修', text: '更换十盏路灯' }]);
    const before = fakeWs.clients.length;
    const connections = await startLongConnections({ db: h.core.db, channels: h.core.services.channels, chatInbound: h.core.services.chatInbound, log: { info: () => {}, warn: () => {} } });
    try {
      expect(connections.count).toBe(1);
      const client = fakeWs.clients[before];
      expect(client.params).toMatchObject({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 'feishu-app-secret' });
      const event = messageEvent({ eventId: 'ev-ws-1', messageId: 'om_ws_1', openId, text: '@_user_1 同意' });
      await client.dispatcher!.invoke(event, { needCheck: false });
      await client.dispatcher!.invoke({ ...event, header: { ...event.header, event_id: 'ev-ws-2' } }, { needCheck: false });
      await eventually(async () => (await votesCast(ws.villageId)) === 1);
      await pause(500);
      expect(await votesCast(ws.villageId)).toBe(1);
      expect(await stored('om_ws_1')).toHaveLength(1);
    } finally {
      await connections.close();
    }
    expect(fakeWs.clients[before].closed).toBe(true);
  });
});
