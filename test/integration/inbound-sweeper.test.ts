import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { createVillageWithTokens } from '../helpers/village.ts';

/**
 * The durable inbox: a message accepted by a hook is stored before its processing job runs; if that job never
 * runs (no worker up, or the enqueue was lost), the planner's sweeper processes it once the grace period has
 * passed, exactly once however often it ticks.
 */

const IN_SECRET = 'onebot-report-secret-42';
const GROUP = 600777001;
const BOT_QQ = 10001;
const ZHANG_QQ = 20002;

let h: Harness;
let h2: Harness | undefined;
let villageId: string;
let channelId: string;
let committee: Record<string, string>;
let nextMessageId = 1;

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => h.app.inject({ method, url, headers, payload });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reports a group message as a OneBot implementation does and returns the id of the stored InboundMessage. */
async function reportMessage(typed: string) {
  const messageId = nextMessageId++;
  // Addressed to the bot, as villagers do in a QQ group.
  const text = `[CQ:at,qq=${BOT_QQ}] ${typed}`;
  const raw = JSON.stringify({
    time: Math.floor(Date.now() / 1000), self_id: BOT_QQ, post_type: 'message', message_type: 'group', sub_type: 'normal',
    message_id: messageId, group_id: GROUP, user_id: ZHANG_QQ, anonymous: null, message: text, raw_message: text, font: 0, sender: { user_id: ZHANG_QQ, nickname: '张三' },
  });
  const res = await h.app.inject({
    method: 'POST', url: `/hooks/onebot/${channelId}`, payload: raw,
    headers: { 'content-type': 'application/json', 'x-signature': `sha1=${createHmac('sha1', IN_SECRET).update(raw).digest('hex')}` },
  });
  expect(res.statusCode, res.body).toBe(204);
  const row = await h.core.db.inboundMessage.findUniqueOrThrow({ where: { platform_messageId: { platform: 'onebot', messageId: `${BOT_QQ}:${messageId}` } } });
  return row.id;
}

const inbound = (id: string) => h.core.db.inboundMessage.findUniqueOrThrow({ where: { id } });
const logCount = async (type: string) => ((await api('GET', `/api/villages/${villageId}/log?limit=1000`, committee)).json().entries as Array<{ type: string }>).filter((e) => e.type === type).length;

beforeAll(async () => {
  h = await createHarness();
  let secretary: Record<string, string>;
  ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '溪口村', code: '330106004001' }));
  const member = await api('POST', `/api/villages/${villageId}/members`, secretary, { name: '张三', householdId: 'H-zhang', isAdult: true, roles: ['villager'] });
  await api('POST', `/api/villages/${villageId}/members/${member.json().id}/identities`, secretary, { platform: 'onebot', externalId: String(ZHANG_QQ) });
  // Receive only: no push side, so nothing here waits on the deliveries queue.
  const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, { platform: 'onebot', name: '溪口村QQ群', inbound: { secret: IN_SECRET }, settings: { groupId: GROUP } });
  expect(channel.statusCode, channel.body).toBe(201);
  channelId = channel.json().id;
  const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
  await api('POST', `/api/meetings/${meeting.json().id}/motions`, secretary, { title: '修缮村口石桥', text: '修缮村口石桥，预算3万元', decidingBody: 'villagers_assembly' });
  const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, secretary);
  expect(posted.statusCode, posted.body).toBe(202);
});

afterAll(async () => {
  // The second instance shares the schema and queues: it goes first, then the owner drops them.
  await h2?.close();
  await h?.close();
});

describe('inbound sweeper', () => {
  it('process() called twice at once has one effect', async () => {
    const { inboundId } = await h.core.services.chatInbound.accept({ platform: 'onebot', channelId, villageId, messageId: `${BOT_QQ}:direct-1`, senderId: String(ZHANG_QQ), text: '意见：桥面要加护栏' });
    const results = await Promise.all([h.core.services.chatInbound.process(inboundId!), h.core.services.chatInbound.process(inboundId!)]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results.find((r) => r !== null)).toMatchObject({ kind: 'comment' });
    expect(await h.core.db.comment.count({ where: { meeting: { villageId } } })).toBe(1);
    expect(await logCount('comment.added')).toBe(1);
    expect(await h.core.services.chatInbound.process(inboundId!)).toBeNull();
  });

  it('a stored message whose job never runs is processed once by the sweeper after the grace period', { timeout: 30_000 }, async () => {
    const lostId = await reportMessage('同意');
    const queuedId = await reportMessage('意见：施工期间请设置绕行标志');
    expect(await h.core.queues.inbound.getJob(`inbound-${lostId}`)).toBeDefined();
    // A lost enqueue (e.g. Redis restarted between the commit and the add).
    await h.core.queues.inbound.remove(`inbound-${lostId}`);
    expect(await h.core.queues.inbound.getJob(`inbound-${lostId}`)).toBeUndefined();
    await pause(300);
    expect(await inbound(lostId)).toMatchObject({ processedAt: null, outcome: null });
    expect(await inbound(queuedId)).toMatchObject({ processedAt: null });

    // A second instance of the deployment comes up with workers: the job still queued runs, the lost one cannot.
    h2 = await createHarness({ workers: true, shareWith: h });
    await eventually(async () => (await inbound(queuedId)).processedAt);
    await pause(300);
    expect(await inbound(lostId)).toMatchObject({ processedAt: null });

    // Within the grace period the sweeper leaves the row alone.
    await h.core.services.planner.tick(h.clock.now());
    await pause(500);
    expect(await inbound(lostId)).toMatchObject({ processedAt: null });

    h.clock.advance(2 * 60_000);
    await Promise.all([h.core.services.planner.tick(h.clock.now()), h2.core.services.planner.tick(h.clock.now())]);
    const row = await eventually(async () => {
      const r = await inbound(lostId);
      return r.processedAt && r;
    });
    expect(row.outcome).toMatchObject({ kind: 'vote', results: [{ status: 'cast' }] });
    await h.core.services.planner.tick(h.clock.now());
    await pause(500);
    expect(await logCount('vote.cast')).toBe(1);
    expect(await logCount('comment.added')).toBe(2);
    expect(await h.core.db.inboundMessage.count({ where: { channelId, processedAt: null } })).toBe(0);
  });
});
