import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatSink } from '../helpers/chat-sink.ts';
import { createVillageWithTokens } from '../helpers/village.ts';
import { createHarness, DATABASE_URL, eventually, type Harness } from '../helpers/harness.ts';
import { sendSignedMessage } from '../helpers/webhook-client.ts';

const OUT_SECRET = 'outbound-secret-0123456789';
const IN_SECRET = 'inbound-secret-0123456789ab';

/** The scenario end to end: village → agenda → signed chat votes → close → a log that verifies. */
describe('vertical slice on the real stack', () => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof startChatSink>>;
  let secretary: Record<string, string>;
  let committee: Record<string, string>;
  let villageId: string;
  let channelId: string;
  let motionIds: string[];
  const members: Record<string, string> = {};

  const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    h.app.inject({ method, url, headers, payload });
  const vote = (messageId: string, senderId: string, text: string, opts?: { timestamp?: number; signWith?: string }) =>
    sendSignedMessage(h.app, channelId, IN_SECRET, { messageId, senderId, text }, opts);
  const lastReply = async () => {
    const rows = await h.core.db.outboundMessage.findMany({ where: { villageId, type: 'reply' }, orderBy: { createdAt: 'desc' }, take: 1 });
    return rows[0]?.text ?? '';
  };

  beforeAll(async () => {
    h = await createHarness({ workers: true });
    sink = await startChatSink();
    ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '阳光村', code: '330106001001' }));
    for (const [key, name, isAdult] of [['zhang', '张三', true], ['li', '李四', true], ['wang', '王五', true], ['ming', '张小明', false]] as const) {
      const res = await api('POST', `/api/villages/${villageId}/members`, secretary, { name, householdId: `H-${key}`, isAdult, roles: ['villager'] });
      expect(res.statusCode).toBe(201);
      members[key] = res.json().id;
      const bind = await api('POST', `/api/villages/${villageId}/members/${members[key]}/identities`, secretary, { platform: 'webhook', externalId: `wx-${key}` });
      expect(bind.statusCode).toBe(201);
    }
    const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, {
      platform: 'webhook', name: '阳光村村民群', outbound: { url: sink.url, secret: OUT_SECRET }, inbound: { secret: IN_SECRET },
    });
    expect(channel.statusCode).toBe(201);
    channelId = channel.json().id;
  });

  afterAll(async () => {
    await h?.close();
    await sink?.close();
  });

  it('posts a correctly signed agenda to the group chat', async () => {
    const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    expect(meeting.statusCode).toBe(201);
    const meetingId = meeting.json().id;
    motionIds = [];
    for (const title of ['村西道路硬化', '路灯维修']) {
      const res = await api('POST', `/api/meetings/${meetingId}/motions`, secretary, { title, text: `${title}的具体方案`, decidingBody: 'villagers_assembly' });
      expect(res.statusCode).toBe(201);
      expect(res.json().number).toBe(motionIds.length + 1);
      motionIds.push(res.json().id);
    }
    const posted = await api('POST', `/api/meetings/${meetingId}/agenda/post`, secretary);
    expect(posted.statusCode).toBe(202);
    expect((await api('POST', `/api/meetings/${meetingId}/agenda/post`, secretary)).statusCode).toBe(409);

    const request = await eventually(async () => sink.requests[0]);
    const timestamp = request.headers['x-yangguang-timestamp'] as string;
    const expected = createHmac('sha256', OUT_SECRET).update(`${timestamp}.${request.rawBody}`).digest('hex');
    expect(request.headers['x-yangguang-signature']).toBe(`sha256=${expected}`);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const body = JSON.parse(request.rawBody);
    expect(body).toMatchObject({ type: 'agenda', villageId, meetingId });
    expect(body.text).toContain('第1项　村西道路硬化');
    expect(body.markdown).toContain('**第2项　路灯维修**');
    expect(body.text).toContain('1号同意');
    const deliveries = await api('GET', `/api/villages/${villageId}/deliveries`, secretary);
    await eventually(async () => (await api('GET', `/api/villages/${villageId}/deliveries`, secretary)).json().deliveries.find((d: { status: string }) => d.status === 'delivered'));
    expect(deliveries.statusCode).toBe(200);
  });

  it('records, changes and de-duplicates votes, and refuses forged or stale ones', async () => {
    expect((await vote('m1', 'wx-zhang', '1号同意')).json()).toMatchObject({ status: 'accepted', outcome: { kind: 'vote', results: [{ status: 'cast' }] } });
    expect(await lastReply()).toContain('张三，已记录您对第1项「村西道路硬化」的表决：同意');
    expect((await vote('m2', 'wx-zhang', '1号反对')).json().outcome.results[0].status).toBe('changed');
    expect(await lastReply()).toContain('原为同意');
    expect((await vote('m2', 'wx-zhang', '1号反对')).json()).toMatchObject({ status: 'duplicate' });

    expect((await vote('m3', 'wx-li', '同意')).json().outcome.results[0]).toMatchObject({ status: 'refused', reason: 'which_motion' });
    expect(await lastReply()).toContain('请写明第几项');
    expect((await vote('m4', 'wx-li', '２号同意！')).json().outcome.results[0].status).toBe('cast');

    const forged = await vote('m5', 'wx-wang', '1号同意', { signWith: 'not-the-secret-0123456789' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: 'Unauthorized', message: expect.stringContaining('Signature') });
    const stale = await vote('m6', 'wx-wang', '1号同意', { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(401);
    expect(await h.core.db.inboundMessage.count({ where: { messageId: { in: ['m5', 'm6'] } } })).toBe(0);

    expect((await vote('m7', 'wx-stranger', '1号同意')).json().outcome).toEqual({ kind: 'unknown_sender' });
    expect(await lastReply()).toContain('还没有和村民名册绑定');
    expect((await vote('m8', 'wx-ming', '1号同意')).json().outcome.results[0].reason).toBe('not_eligible');
    expect((await vote('m9', 'wx-wang', '意见：路灯晚上十点后就不亮了')).json().outcome.kind).toBe('comment');

    const malformed = await h.app.inject({ method: 'POST', url: `/hooks/webhook/${channelId}`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(malformed.statusCode).toBe(401);

    const motion = await api('GET', `/api/motions/${motionIds[0]}`, committee);
    expect(motion.json()).toMatchObject({ number: 1, status: 'open', tally: { yes: 0, no: 1, abstain: 0 } });
  });

  it('closes a motion, posts the result and refuses late votes', async () => {
    const closed = await api('POST', `/api/motions/${motionIds[0]}/close`, secretary);
    expect(closed.statusCode).toBe(200);
    // One of three adults took part: below the 村民会议's legal attendance, so the vote is only advisory.
    expect(closed.json()).toMatchObject({ status: 'closed', tally: { yes: 0, no: 1, abstain: 0, total: 1 }, outcome: 'advisory', numbers: { eligible: 3, attendees: 1 } });
    const result = await eventually(async () => sink.requests.find((r) => JSON.parse(r.rawBody).type === 'result'));
    expect(JSON.parse(result.rawBody).text).toContain('仅作征求意见');

    expect((await vote('m10', 'wx-wang', '1号同意')).json().outcome.results[0].reason).toBe('closed');
    expect(await lastReply()).toContain('表决已经结束');
    expect((await api('GET', `/api/motions/${motionIds[0]}`, committee)).json().tally).toEqual({ yes: 0, no: 1, abstain: 0, total: 1 });
  });

  it('keeps exactly the expected log, which verifies, and a changed row is found', async () => {
    const log = await api('GET', `/api/villages/${villageId}/log?limit=1000`, committee);
    const types = log.json().entries.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'village.created',
      ...Array(4).fill(['member.registered', 'identity.bound']).flat(),
      'channel.added',
      'meeting.scheduled',
      'motion.created',
      'motion.created',
      'agenda.posted',
      'vote.cast',
      'vote.changed',
      'vote.cast',
      'comment.added',
      'motion.closed',
    ]);
    const entries = log.json().entries;
    expect(entries[0].prevHash).toBe('0'.repeat(64));
    expect(entries.map((e: { seq: number }) => e.seq)).toEqual(entries.map((_: unknown, i: number) => i + 1));
    const verify = await api('GET', `/api/villages/${villageId}/log/verify`, committee);
    expect(verify.json()).toEqual({ ok: true, count: entries.length, headHash: entries.at(-1).hash });

    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${h.schema}"`);
      await expect(client.query(`UPDATE "DecisionLogEntry" SET actor = 'x' WHERE "villageId" = $1 AND seq = 16`, [villageId])).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM "DecisionLogEntry" WHERE "villageId" = $1`, [villageId])).rejects.toThrow(/append-only/);
      // An attacker with superuser rights can switch the trigger off; the chain still gives them away.
      await client.query(`ALTER TABLE "DecisionLogEntry" DISABLE TRIGGER "DecisionLogEntry_no_update_delete"`);
      await client.query(`UPDATE "DecisionLogEntry" SET payload = jsonb_set(payload, '{choice}', '"yes"') WHERE "villageId" = $1 AND seq = 16`, [villageId]);
      await client.query(`ALTER TABLE "DecisionLogEntry" ENABLE TRIGGER "DecisionLogEntry_no_update_delete"`);
    } finally {
      await client.end();
    }
    expect((await api('GET', `/api/villages/${villageId}/log/verify`, committee)).json()).toEqual({ ok: false, badSeq: 16 });
  });
});
