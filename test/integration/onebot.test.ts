import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { startOneBotApi, type OneBotApi } from '../helpers/onebot-server.ts';
import { createVillageWithTokens } from '../helpers/village.ts';

/** QQ through a OneBot v11 implementation: agenda out via send_group_msg, votes in via signed HTTP POST reports. */

const TOKEN = 'qq-access-token-0123';
const IN_SECRET = 'onebot-report-secret-42';
const GROUP = 600123456;
const BOT_QQ = 10001;

let h: Harness;
let bot: OneBotApi;
let villageId: string;
let channelId: string;
let secretary: Record<string, string>;
let committee: Record<string, string>;
let motionIds: string[] = [];
let nextMessageId = 1;

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => h.app.inject({ method, url, headers, payload });

/** A go-cqhttp group message report; `raw` is the exact byte string sent and signed. */
function groupMessage(userId: number, rawMessage: string, over: Record<string, unknown> = {}) {
  const event = {
    time: Math.floor(Date.now() / 1000), self_id: BOT_QQ, post_type: 'message', message_type: 'group', sub_type: 'normal',
    message_id: nextMessageId++, group_id: GROUP, user_id: userId, anonymous: null, message: rawMessage, raw_message: rawMessage, font: 0,
    sender: { user_id: userId, nickname: '村民', card: '', role: 'member' }, ...over,
  };
  return JSON.stringify(event);
}

function report(raw: string, opts: { secret?: string | null; channel?: string } = {}) {
  const secret = opts.secret === undefined ? IN_SECRET : opts.secret;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-self-id': String(BOT_QQ) };
  if (secret) headers['x-signature'] = `sha1=${createHmac('sha1', secret).update(Buffer.from(raw, 'utf8')).digest('hex')}`;
  return h.app.inject({ method: 'POST', url: `/hooks/onebot/${opts.channel ?? channelId}`, headers, payload: raw });
}

const stored = (messageId: string) => h.core.db.inboundMessage.findMany({ where: { platform: 'onebot', messageId } });
const logTypes = async () => (await api('GET', `/api/villages/${villageId}/log?limit=1000`, committee)).json().entries.map((e: { type: string }) => e.type) as string[];

beforeAll(async () => {
  h = await createHarness({ workers: true });
  bot = await startOneBotApi({ accessToken: TOKEN, groups: [GROUP] });
  ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '清溪村', code: '330106003001' }));
  const member = await api('POST', `/api/villages/${villageId}/members`, secretary, { name: '张三', householdId: 'H-zhang', isAdult: true, roles: ['villager'] });
  expect(member.statusCode, member.body).toBe(201);
  const bind = await api('POST', `/api/villages/${villageId}/members/${member.json().id}/identities`, secretary, { platform: 'onebot', externalId: '20002' });
  expect(bind.statusCode, bind.body).toBe(201);
  const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, {
    platform: 'onebot', name: '清溪村QQ群', outbound: { url: bot.url, secret: TOKEN }, inbound: { secret: IN_SECRET }, settings: { groupId: GROUP, botName: '村务助手' },
  });
  expect(channel.statusCode, channel.body).toBe(201);
  channelId = channel.json().id;
  expect(channel.json().inboundPath).toBe(`/hooks/onebot/${channelId}`);
});

afterAll(async () => {
  // The per-robot rate-limit counters expire after a minute; removed now so no key outlives the suite.
  const counters = h ? await h.core.redis.keys(`${h.prefix}:rl:*`) : [];
  if (counters.length > 0) await h.core.redis.del(...counters);
  await h?.close();
  await bot?.close();
});

describe('OneBot push', () => {
  it('posts the agenda through send_group_msg with the access token, as plain text', async () => {
    const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    expect(meeting.statusCode, meeting.body).toBe(201);
    for (const title of ['村西道路硬化', '路灯维修']) {
      const res = await api('POST', `/api/meetings/${meeting.json().id}/motions`, secretary, { title, text: `${title}的具体方案`, decidingBody: 'villagers_assembly' });
      expect(res.statusCode, res.body).toBe(201);
      motionIds.push(res.json().id);
    }
    const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, secretary);
    expect(posted.statusCode, posted.body).toBe(202);
    const outboundId: string = posted.json().deliveries[0];

    const row = await eventually(async () => {
      const r = await h.core.db.outboundMessage.findUniqueOrThrow({ where: { id: outboundId } });
      return r.status === 'delivered' && r;
    });
    expect(row).toMatchObject({ attempts: 1, response: { status: 200, body: expect.stringContaining('"message_id"') } });
    const request = bot.requests.find((r) => r.ok)!;
    expect(request.path).toBe('/send_group_msg');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const body = JSON.parse(request.rawBody);
    expect(body).toMatchObject({ group_id: GROUP, auto_escape: true });
    expect(body.message).toContain('第1项　村西道路硬化');
    expect(body.message).toContain('「1号同意」');
    expect(body.message).not.toMatch(/\*\*|^#/m);
    expect(body.message.length).toBeLessThanOrEqual(4500);
  });

  it('a wrong or missing access token fails without retry and marks the channel unhealthy, visible in the API', async () => {
    const other = await createVillageWithTokens(h, { name: '白石村', code: '330106003002' });
    const add = async (name: string, outbound: object) => {
      const res = await api('POST', `/api/villages/${other.villageId}/channels`, other.secretary, { platform: 'onebot', name, outbound, settings: { groupId: GROUP } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const wrong = await add('错误令牌', { url: bot.url, secret: 'not-the-token' });
    const missing = await add('没有令牌', { url: `${bot.url}/` });
    const wrongGroup = await api('POST', `/api/villages/${other.villageId}/channels`, other.secretary, { platform: 'onebot', name: '错误群号', outbound: { url: bot.url, secret: TOKEN }, settings: { groupId: 42 } });
    const meeting = await api('POST', `/api/villages/${other.villageId}/meetings`, other.secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    await api('POST', `/api/meetings/${meeting.json().id}/motions`, other.secretary, { title: '修桥', text: '修缮村口石桥', decidingBody: 'villagers_assembly' });
    const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, other.secretary);
    expect(posted.json().deliveries).toHaveLength(3);

    const channels = await eventually(async () => {
      const list = (await api('GET', `/api/villages/${other.villageId}/channels`, other.secretary)).json().channels as Array<{ id: string; healthy: boolean; healthMessage: string | null }>;
      return list.every((c) => !c.healthy) && list;
    });
    const byId = Object.fromEntries(channels.map((c) => [c.id, c]));
    expect(byId[wrong].healthMessage).toMatch(/403.*access token is wrong/);
    expect(byId[missing].healthMessage).toMatch(/401.*access token is missing/);
    expect(byId[wrongGroup.json().id].healthMessage).toContain('GROUP_NOT_FOUND 群聊不存在');
    const rows = await h.core.db.outboundMessage.findMany({ where: { villageId: other.villageId } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['failed', 1], ['failed', 1], ['failed', 1]]);
    expect(bot.requests.filter((r) => r.status === 403)).toHaveLength(1);
    expect(bot.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });
});

describe('OneBot receive', () => {
  it('a vote from a bound member reaches the decision log exactly once, even when reported twice', async () => {
    const raw = groupMessage(20002, '[CQ:reply,id=-55][CQ:at,qq=10001] 1号同意[CQ:face,id=76]');
    const messageId = `${BOT_QQ}:${JSON.parse(raw).message_id}`;
    const [first, second] = [await report(raw), await report(raw)];
    expect([first.statusCode, second.statusCode]).toEqual([204, 204]);
    expect(first.body).toBe('');

    const [row] = await eventually(async () => {
      const rows = await stored(messageId);
      return rows[0]?.processedAt && rows;
    });
    expect(row).toMatchObject({ senderId: '20002', text: '1号同意', channelId, outcome: { kind: 'vote', results: [{ status: 'cast' }] } });
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(await stored(messageId)).toHaveLength(1);
    const tally = (await api('GET', `/api/motions/${motionIds[0]}`, committee)).json().tally;
    expect(tally).toMatchObject({ yes: 1, no: 0, abstain: 0 });
    expect((await logTypes()).filter((t) => t === 'vote.cast')).toHaveLength(1);

    // The confirmation goes back to the group through send_group_msg.
    const reply = await eventually(async () => bot.sent().find((m) => m.message.includes('张三，已记录您对第1项「村西道路硬化」的表决：同意')));
    expect(reply).toMatchObject({ group_id: GROUP, auto_escape: true });
  });

  it('takes a report whose Content-Type carries a charset, and comments from a segment-array message', async () => {
    const segments = [{ type: 'at', data: { qq: String(BOT_QQ) } }, { type: 'text', data: { text: ' 意见：路灯[坏了]' } }, { type: 'face', data: { id: '5' } }];
    const raw = groupMessage(20002, '', { raw_message: undefined, message: segments });
    const signature = `sha1=${createHmac('sha1', IN_SECRET).update(raw).digest('hex')}`;
    const res = await h.app.inject({ method: 'POST', url: `/hooks/onebot/${channelId}`, payload: raw, headers: { 'content-type': 'application/json; charset=utf-8', 'x-signature': signature } });
    expect(res.statusCode, res.body).toBe(204);
    const [row] = await eventually(async () => {
      const rows = await stored(`${BOT_QQ}:${JSON.parse(raw).message_id}`);
      return rows[0]?.processedAt && rows;
    });
    expect(row).toMatchObject({ text: '意见：路灯[坏了]', outcome: { kind: 'comment' } });
  });

  it('lets group chatter that does not @ the bot pass silently, but still counts a plain vote', async () => {
    const chatter = groupMessage(20002, '今天晚上几点开会？');
    expect((await report(chatter)).statusCode).toBe(204);
    const [row] = await eventually(async () => {
      const rows = await stored(`${BOT_QQ}:${JSON.parse(chatter).message_id}`);
      return rows[0]?.processedAt && rows;
    });
    expect(row).toMatchObject({ addressed: false, outcome: { kind: 'ignored', reason: 'not_addressed' } });
    expect(await h.core.db.outboundMessage.count({ where: { id: `reply-${row.id}-${channelId}` } })).toBe(0);

    const vote = groupMessage(20002, '1号反对');
    await report(vote);
    const [voted] = await eventually(async () => {
      const rows = await stored(`${BOT_QQ}:${JSON.parse(vote).message_id}`);
      return rows[0]?.processedAt && rows;
    });
    expect(voted).toMatchObject({ addressed: false, outcome: { kind: 'vote', results: [{ status: 'changed' }] } });
  });

  it('refuses a forged or unsigned report with 401 and stores nothing', async () => {
    const raw = groupMessage(20002, '1号反对');
    const messageId = `${BOT_QQ}:${JSON.parse(raw).message_id}`;
    const forged = await report(raw, { secret: 'not-the-secret-0000' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: 'Unauthorized', message: expect.stringContaining('X-Signature') });
    expect((await report(raw, { secret: null })).statusCode).toBe(401);
    const tampered = await h.app.inject({
      method: 'POST', url: `/hooks/onebot/${channelId}`, payload: raw.replace('1号反对', '2号反对'),
      headers: { 'content-type': 'application/json', 'x-signature': `sha1=${createHmac('sha1', IN_SECRET).update(raw).digest('hex')}` },
    });
    expect(tampered.statusCode).toBe(401);
    expect(await stored(messageId)).toHaveLength(0);
  });

  it('ignores other groups, heartbeats and notices with 204 and stores nothing', async () => {
    const before = await h.core.db.inboundMessage.count();
    const otherGroup = groupMessage(20002, '1号弃权', { group_id: 600999999 });
    expect((await report(otherGroup)).statusCode).toBe(204);
    const heartbeat = JSON.stringify({ time: 1, self_id: BOT_QQ, post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: true, good: true }, interval: 5000 });
    expect((await report(heartbeat)).statusCode).toBe(204);
    const notice = JSON.stringify({ time: 1, self_id: BOT_QQ, post_type: 'notice', notice_type: 'group_increase', sub_type: 'approve', group_id: GROUP, operator_id: 1, user_id: 30003 });
    expect((await report(notice)).statusCode).toBe(204);
    expect((await report(groupMessage(20002, '[CQ:image,file=a.jpg]'))).statusCode).toBe(204);
    expect(await h.core.db.inboundMessage.count()).toBe(before);
  });

  it('answers 413 to an oversized report, 400 to signed garbage, 404 to an unknown channel', async () => {
    const before = await h.core.db.inboundMessage.count();
    const huge = groupMessage(20002, `意见：${'路灯'.repeat(40_000)}`);
    expect((await report(huge)).statusCode).toBe(413);
    expect((await report('{"post_type":')).statusCode).toBe(400);
    expect((await report(groupMessage(20002, '同意', { message_id: null }))).statusCode).toBe(400);
    expect((await report(groupMessage(20002, '同意'), { channel: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await report(groupMessage(20002, '同意'), { channel: 'not-a-uuid' })).statusCode).toBe(404);
    expect(await h.core.db.inboundMessage.count()).toBe(before);
  });
});
