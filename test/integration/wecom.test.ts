import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { createVillageWithTokens, type Auth } from '../helpers/village.ts';
import { appText, buildCallback, postCallback, smartBotText, urlCheck, type WecomSecrets } from '../helpers/wecom-client.ts';
import { startWecomServer, WECOM_ANSWERS, type WecomServer } from '../helpers/wecom-server.ts';

/** WeCom end to end: agendas pushed to a local 消息推送 webhook, votes received as genuine encrypted callbacks. */

const KEYS = { plain: 'key-plain-0001', long: 'key-long-0002', longMd: 'key-longmd-0003', limited: 'key-limited-0004', bot: 'key-bot-0005' };
const CORP = 'ww1436e0e65a779aee';
const SMART_BOT: WecomSecrets = { token: 'QDG6eK', encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: '' };
const APP: WecomSecrets = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAESKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', receiveId: CORP };
const LONG_TEXT = '为改善村西片区群众出行条件，拟对村西主干道约一点二公里路段进行水泥硬化，路面宽四点五米，两侧设排水沟，预算约四十八万元，其中上级补助三十万元，村集体自筹十八万元，由村务监督委员会全程监督施工质量与资金使用。';

let h: Harness;
let wecom: WecomServer;
let villageCount = 0;

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => h.app.inject({ method, url, headers, payload });
const outboxRow = (id: string) => h.core.db.outboundMessage.findUniqueOrThrow({ where: { id } });
const jobState = (id: string) => h.core.queues.deliveries.getJobState(id);
const nowSeconds = (offset = 0) => String(Math.floor(Date.now() / 1000) + offset);

/** A village (the planner posts nothing itself with a one-minute lead) and its WeCom channel. */
async function villageWith(channel: object) {
  const n = ++villageCount;
  const village = await createVillageWithTokens(h, { name: `企微村${n}`, code: `3301060030${String(n).padStart(2, '0')}`, agendaLeadMinutes: 1 } as never);
  const created = await api('POST', `/api/villages/${village.villageId}/channels`, village.secretary, { platform: 'wecom', name: '村民群', ...channel });
  expect(created.statusCode, created.body).toBe(201);
  return { ...village, channelId: created.json().id as string };
}

async function addChannel(villageId: string, secretary: Auth, channel: object) {
  const created = await api('POST', `/api/villages/${villageId}/channels`, secretary, { platform: 'wecom', name: '村务助手', ...channel });
  expect(created.statusCode, created.body).toBe(201);
  return created.json().id as string;
}

/** A meeting with these motions, agenda posted; returns the outbox ids. */
async function postAgenda(villageId: string, secretary: Auth, motions: Array<{ title: string; text: string }>) {
  const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
  expect(meeting.statusCode, meeting.body).toBe(201);
  for (const m of motions) {
    const res = await api('POST', `/api/meetings/${meeting.json().id}/motions`, secretary, { ...m, decidingBody: 'villagers_assembly' });
    expect(res.statusCode, res.body).toBe(201);
  }
  const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, secretary);
  expect(posted.statusCode, posted.body).toBe(202);
  return posted.json().deliveries as string[];
}

const contentOf = (r: WecomServer['received'][number]) => (r.body?.msgtype === 'markdown' ? r.body.markdown!.content : r.body?.text?.content ?? '');

beforeAll(async () => {
  h = await createHarness({ workers: true });
  wecom = await startWecomServer(Object.values(KEYS));
});

afterAll(async () => {
  // The per-robot budgets and blocks live in Redis under this suite's prefix; they expire, but leave nothing behind.
  const keys = await h?.core.redis.keys(`${h.prefix}:rl:*`);
  if (keys?.length) await h.core.redis.del(...keys);
  await h?.close();
  await wecom?.close();
});

describe('WeCom push', () => {
  it('posts the agenda as text to the robot of the channel, within 2048 bytes, and never shows the key', async () => {
    const v = await villageWith({ outbound: { url: wecom.urlFor(KEYS.plain) } });
    const [outboundId] = await postAgenda(v.villageId, v.secretary, [{ title: '路灯维修', text: '更换十盏路灯' }]);
    await eventually(async () => (await outboxRow(outboundId)).status === 'delivered');
    const got = wecom.delivered(KEYS.plain);
    expect(got).toHaveLength(1);
    expect(got[0].body).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('第1项　路灯维修（村民会议表决）') } });
    expect(Buffer.byteLength(contentOf(got[0]))).toBeLessThanOrEqual(2048);
    expect(await outboxRow(outboundId)).toMatchObject({ attempts: 1, partsSent: 1, response: { status: 200, body: '{"errcode":0,"errmsg":"ok"}' } });
    const listed = await api('GET', `/api/villages/${v.villageId}/channels`, v.secretary);
    expect(listed.json().channels[0]).toMatchObject({ platform: 'wecom', healthy: true });
    expect(listed.body).not.toContain(KEYS.plain);
  });

  it('splits a long agenda into numbered parts in order: 3 text parts of ≤ 2048 bytes, 2 markdown parts of ≤ 4096', async () => {
    const v = await villageWith({ outbound: { url: wecom.urlFor(KEYS.long) }, settings: { format: 'text' } });
    await addChannel(v.villageId, v.secretary, { outbound: { url: wecom.urlFor(KEYS.longMd) }, settings: { format: 'markdown' } });
    const ids = await postAgenda(v.villageId, v.secretary, Array.from({ length: 14 }, (_, i) => ({ title: `第${i + 1}号工程事项`, text: LONG_TEXT })));
    expect(ids).toHaveLength(2);
    await eventually(async () => (await Promise.all(ids.map(outboxRow))).every((r) => r.status === 'delivered'));
    for (const [key, type, count, limit] of [[KEYS.long, 'text', 3, 2048], [KEYS.longMd, 'markdown', 2, 4096]] as const) {
      const parts = wecom.delivered(key);
      expect(parts.map((p) => p.body?.msgtype)).toEqual(Array(count).fill(type));
      parts.forEach((p, i) => {
        expect(contentOf(p).startsWith(`(${i + 1}/${count})\n`)).toBe(true);
        expect(Buffer.byteLength(contentOf(p))).toBeLessThanOrEqual(limit);
      });
      expect(contentOf(parts.at(-1)!)).toContain('表决截止');
    }
    expect(wecom.received.filter((r) => r.key === KEYS.long || r.key === KEYS.longMd).every((r) => r.errcode === 0)).toBe(true);
  });

  it('93000 (wrong key) fails at once and marks the channel unhealthy with WeCom\'s errmsg, visible in the API', async () => {
    const v = await villageWith({ outbound: { url: wecom.urlFor('key-that-was-revoked') } });
    const [outboundId] = await postAgenda(v.villageId, v.secretary, [{ title: '路灯维修', text: '更换十盏路灯' }]);
    await eventually(async () => (await jobState(outboundId)) === 'failed');
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/^WeCom 93000: invalid webhook url/) });
    expect(wecom.received.filter((r) => r.key === 'key-that-was-revoked')).toHaveLength(1);
    const listed = await api('GET', `/api/villages/${v.villageId}/channels`, v.secretary);
    expect(listed.json().channels[0]).toMatchObject({ healthy: false, healthMessage: expect.stringContaining('invalid webhook url') });
  });

  it('45009 delays the job without dropping it; once WeCom recovers the same message is delivered', async () => {
    wecom.failWith(KEYS.limited, WECOM_ANSWERS.tooFrequent);
    const v = await villageWith({ outbound: { url: wecom.urlFor(KEYS.limited) } });
    const [outboundId] = await postAgenda(v.villageId, v.secretary, [{ title: '路灯维修', text: '更换十盏路灯' }]);
    await eventually(async () => (await jobState(outboundId)) === 'delayed');
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('WeCom 45009: api freq out of limit') });
    const job = await h.core.queues.deliveries.getJob(outboundId);
    expect(job!.delay === 0 ? job!.timestamp : job!.timestamp + job!.delay).toBeGreaterThan(Date.now() + 50_000);

    // Instead of waiting the minute: WeCom recovers, the robot's block expires, the delayed job is due now.
    wecom.recover(KEYS.limited);
    await new RateLimiterRedis({ storeClient: h.core.redis, keyPrefix: `${h.prefix}:rl:block`, points: 1, duration: 1 }).delete(v.channelId);
    await job!.promote();
    await eventually(async () => (await outboxRow(outboundId)).status === 'delivered');
    const tries = wecom.received.filter((r) => r.key === KEYS.limited);
    expect(tries.map((r) => r.errcode)).toEqual([45009, 0]);
    expect(tries[1].body).toEqual(tries[0].body);
    expect(await outboxRow(outboundId)).toMatchObject({ attempts: 2, lastError: null });
  });
});

describe('WeCom receive', () => {
  let v: Awaited<ReturnType<typeof villageWith>>;
  let appChannelId: string;
  const stored = () => h.core.db.inboundMessage.count({ where: { villageId: v.villageId } });
  const votesLogged = async () => (await api('GET', `/api/villages/${v.villageId}/log?limit=1000`, v.committee)).json().entries.filter((e: { type: string }) => e.type === 'vote.cast');
  const botPost = (plaintext: string, opts = {}) => postCallback(h.app, v.channelId, buildCallback(SMART_BOT, plaintext, opts));
  const appPost = (plaintext: string, opts = {}) => postCallback(h.app, appChannelId, buildCallback(APP, plaintext, opts));

  beforeAll(async () => {
    v = await villageWith({ outbound: { url: wecom.urlFor(KEYS.bot) }, inbound: SMART_BOT, settings: { format: 'text', botName: '村务助手' } });
    appChannelId = await addChannel(v.villageId, v.secretary, { inbound: APP });
    for (const [userid, name] of [['zhangsan', '张三'], ['lisi', '李四']]) {
      const member = await api('POST', `/api/villages/${v.villageId}/members`, v.secretary, { name, householdId: `H-${userid}` });
      expect(member.statusCode, member.body).toBe(201);
      const bound = await api('POST', `/api/villages/${v.villageId}/members/${member.json().id}/identities`, v.secretary, { platform: 'wecom', externalId: userid });
      expect(bound.statusCode, bound.body).toBe(201);
    }
    await postAgenda(v.villageId, v.secretary, [{ title: '村西道路硬化', text: '硬化村西道路一点二公里' }]);
    await eventually(async () => wecom.delivered(KEYS.bot).length === 1);
  });

  it('answers the URL check with the decrypted echostr as the raw body, for the smart bot and for the app', async () => {
    const bot = await urlCheck(h.app, v.channelId, SMART_BOT, '1616140317555161061');
    expect(bot.statusCode).toBe(200);
    expect(bot.body).toBe('1616140317555161061');
    expect(bot.headers['content-type']).toMatch(/^text\/plain/);
    const app = await urlCheck(h.app, appChannelId, APP, '1288432023552776189');
    expect([app.statusCode, app.body]).toEqual([200, '1288432023552776189']);

    expect((await urlCheck(h.app, v.channelId, SMART_BOT, '1', { signWith: 'forged' })).statusCode).toBe(401);
    expect((await urlCheck(h.app, appChannelId, APP, '1', { encryptFor: '' })).statusCode).toBe(401);
    expect((await urlCheck(h.app, v.channelId, SMART_BOT, '1', { timestamp: nowSeconds(-7200) })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: `/hooks/wecom/${v.channelId}?timestamp=1&nonce=2` })).statusCode).toBe(400);
  });

  it('a smart bot "@村务助手 同意" from a bound member reaches the decision log exactly once, even when delivered twice', async () => {
    const callback = buildCallback(SMART_BOT, smartBotText('msg-001', 'zhangsan', '@村务助手 同意'));
    const first = await postCallback(h.app, v.channelId, callback);
    expect([first.statusCode, first.body]).toEqual([200, '']);
    // WeCom retries when it gets no answer in 5 s: the same request again, and the same message re-encrypted.
    expect((await postCallback(h.app, v.channelId, callback)).statusCode).toBe(200);
    expect((await botPost(smartBotText('msg-001', 'zhangsan', '@村务助手 同意'))).statusCode).toBe(200);

    const row = await eventually(async () => h.core.db.inboundMessage.findFirst({ where: { villageId: v.villageId, processedAt: { not: null } } }));
    expect(row).toMatchObject({ platform: 'wecom', messageId: 'AIBOTID:msg-001', senderId: 'zhangsan', text: '同意', channelId: v.channelId });
    expect(await stored()).toBe(1);
    const votes = await votesLogged();
    expect(votes).toHaveLength(1);
    expect(votes[0].payload).toMatchObject({ choice: 'yes' });
    // The confirmation goes back to the group through the channel's push side.
    const reply = await eventually(async () => wecom.delivered(KEYS.bot).find((r) => contentOf(r).includes('张三，已记录您对第1项')));
    expect(reply.body?.msgtype).toBe('text');
  });

  it('a self-built app XML message is accepted the same way (receive id = corp id)', async () => {
    const res = await appPost(appText(CORP, '4561255354251345929', 'lisi', '反对'));
    expect([res.statusCode, res.body]).toEqual([200, '']);
    await eventually(async () => (await votesLogged()).length === 2);
    expect(await h.core.db.inboundMessage.findFirst({ where: { channelId: appChannelId } })).toMatchObject({ messageId: `${CORP}:4561255354251345929`, senderId: 'lisi', text: '反对' });
  });

  it('refuses forged, misaddressed and late callbacks with 401 and stores nothing', async () => {
    const before = await stored();
    const vote = (id: string) => smartBotText(id, 'lisi', '@村务助手 同意');
    expect((await botPost(vote('forged'), { signWith: 'not-the-token' })).statusCode).toBe(401);
    const forgedApp = await appPost(appText(CORP, '7001', 'lisi', '同意'), { signWith: 'not-the-token' });
    expect(forgedApp.json()).toMatchObject({ statusCode: 401, message: 'msg_signature does not match' });
    // Encrypted by another corp (or for a smart bot) with the right key and token: the receive id gives it away.
    expect((await botPost(vote('other-corp'), { encryptFor: 'wwOTHERCORP' })).json()).toMatchObject({ statusCode: 401, message: expect.stringContaining('receive id') });
    expect((await appPost(appText(CORP, '7002', 'lisi', '同意'), { encryptFor: '' })).statusCode).toBe(401);
    expect((await appPost(appText(CORP, '7003', 'lisi', '同意'), { encryptFor: 'wwOTHERCORP' })).statusCode).toBe(401);
    // WeCom sets no replay window; we refuse timestamps more than an hour away from our clock.
    expect((await botPost(vote('late'), { timestamp: nowSeconds(-3700) })).json()).toMatchObject({ statusCode: 401, message: expect.stringContaining('timestamp') });
    expect((await botPost(vote('early'), { timestamp: nowSeconds(3700) })).statusCode).toBe(401);
    // A genuine callback of another channel (other token and key) is refused too.
    expect((await postCallback(h.app, v.channelId, buildCallback(APP, appText(CORP, '7004', 'lisi', '同意')))).statusCode).toBe(401);
    expect(await stored()).toBe(before);
    expect(await votesLogged()).toHaveLength(2);
  });

  it('accepts a callback 50 minutes old, within the hour', async () => {
    const res = await botPost(smartBotText('msg-slow', 'stranger', '@村务助手 1号同意'), { timestamp: nowSeconds(-3000) });
    expect(res.statusCode).toBe(200);
    await eventually(async () => h.core.db.inboundMessage.findFirst({ where: { messageId: 'AIBOTID:msg-slow', processedAt: { not: null } } }));
  });

  it('413 for an oversized body, 400 for a malformed one, 404 for an unknown channel, 200 and nothing kept for a non-text message', async () => {
    const before = await stored();
    const big = await h.app.inject({ method: 'POST', url: `/hooks/wecom/${v.channelId}?msg_signature=a&timestamp=1&nonce=2`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ encrypt: 'A'.repeat(70 * 1024) }) });
    expect(big.statusCode).toBe(413);
    const bigXml = await h.app.inject({ method: 'POST', url: `/hooks/wecom/${appChannelId}?msg_signature=a&timestamp=1&nonce=2`, headers: { 'content-type': 'text/xml' }, payload: `<xml><Encrypt>${'A'.repeat(70 * 1024)}</Encrypt></xml>` });
    expect(bigXml.statusCode).toBe(413);
    const noEncrypt = await h.app.inject({ method: 'POST', url: `/hooks/wecom/${v.channelId}?msg_signature=a&timestamp=1&nonce=2`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(noEncrypt.statusCode).toBe(400);
    const noQuery = buildCallback(SMART_BOT, smartBotText('m-q', 'lisi', '同意'));
    expect((await postCallback(h.app, v.channelId, { ...noQuery, url: '' })).statusCode).toBe(400);
    expect((await postCallback(h.app, '00000000-0000-4000-8000-000000000000', noQuery)).statusCode).toBe(404);
    expect((await postCallback(h.app, 'not-a-uuid', noQuery)).statusCode).toBe(404);
    const image = JSON.stringify({ msgid: 'img-1', aibotid: 'AIBOTID', chattype: 'group', from: { userid: 'lisi' }, msgtype: 'image', image: { url: 'https://x' } });
    expect((await botPost(image)).statusCode).toBe(200);
    const garbled = await botPost('not a message');
    expect(garbled.statusCode).toBe(400);
    expect(await stored()).toBe(before);
  });
});
