import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVillageWithTokens } from '../helpers/village.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { sendSignedMessage } from '../helpers/webhook-client.ts';

const IN_SECRET = 'inbound-secret-0123456789ab';
const VOTERS = 100;
const GENESIS = '0'.repeat(64);

type Entry = { seq: number; type: string; prevHash: string; hash: string; villageId: string; createdAt: string };

/** Many chat votes at once, through one and through two instances: the per-village chain never forks or gaps. */
describe('decision log under concurrent writers', { timeout: 60_000 }, () => {
  let h: Harness;
  let h2: Harness;
  let secretary: Record<string, string>;
  let committee: Record<string, string>;
  let villageId: string;
  let channelId: string;
  let motionId: string;
  const externalIds: string[] = [];

  const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    h.app.inject({ method, url, headers, payload });
  const readLog = async (): Promise<Entry[]> => {
    const res = await api('GET', `/api/villages/${villageId}/log?limit=1000`, committee);
    expect(res.statusCode).toBe(200);
    return res.json().entries;
  };
  const expectUnbrokenChain = (entries: Entry[]) => {
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries[0].prevHash).toBe(GENESIS);
    for (let i = 1; i < entries.length; i++) expect(entries[i].prevHash, `prevHash of seq ${entries[i].seq}`).toBe(entries[i - 1].hash);
    for (let i = 1; i < entries.length; i++) expect(entries[i].createdAt >= entries[i - 1].createdAt, `createdAt of seq ${entries[i].seq}`).toBe(true);
    expect(new Set(entries.map((e) => e.hash)).size).toBe(entries.length);
  };
  const expectVerifies = async (count: number) => {
    const entries = await readLog();
    expect(entries).toHaveLength(count);
    expectUnbrokenChain(entries);
    const verify = await api('GET', `/api/villages/${villageId}/log/verify`, committee);
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toEqual({ ok: true, count, headHash: entries.at(-1)!.hash });
    return entries;
  };

  beforeAll(async () => {
    h = await createHarness();
    h2 = await createHarness({ shareWith: h });
    ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '并发村', code: '330106001002' }));
    for (let i = 0; i < VOTERS; i++) {
      const member = await api('POST', `/api/villages/${villageId}/members`, secretary, { name: `村民${i}`, householdId: `H-${i}`, isAdult: true, roles: ['villager'] });
      expect(member.statusCode).toBe(201);
      const externalId = `wx-${i}`;
      const bind = await api('POST', `/api/villages/${villageId}/members/${member.json().id}/identities`, secretary, { platform: 'webhook', externalId });
      expect(bind.statusCode).toBe(201);
      externalIds.push(externalId);
    }
    // Receive side only: with no outbound URL there are no replies, so no deliveries to wait for.
    const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, { platform: 'webhook', name: '并发村村民群', inbound: { secret: IN_SECRET } });
    expect(channel.statusCode).toBe(201);
    channelId = channel.json().id;
    const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    expect(meeting.statusCode).toBe(201);
    const motion = await api('POST', `/api/meetings/${meeting.json().id}/motions`, secretary, { title: '村西道路硬化', text: '村西道路硬化的具体方案', decidingBody: 'villagers_assembly' });
    expect(motion.statusCode).toBe(201);
    motionId = motion.json().id;
    expect((await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, secretary)).statusCode).toBe(202);
  });

  afterAll(async () => {
    await h2?.close();
    await h?.close();
  });

  // village.created, 100 × (member.registered, identity.bound), channel.added, meeting.scheduled, motion.created, agenda.posted
  const SETUP_ENTRIES = 1 + 2 * VOTERS + 4;
  const votes = () => externalIds.map((senderId, i) => ({ messageId: `vote-${i}`, senderId, text: '1号同意' }));

  it('records 100 simultaneous votes from 100 members as one unbroken chain', async () => {
    expect((await readLog()).map((e) => e.type).at(-1)).toBe('agenda.posted');
    expect(await readLog()).toHaveLength(SETUP_ENTRIES);

    const responses = await Promise.all(votes().map((m) => sendSignedMessage(h.app, channelId, IN_SECRET, m)));
    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'accepted', outcome: { kind: 'vote', results: [{ motionNumber: 1, status: 'cast' }] } });
    }
    expect(await h.core.db.vote.count({ where: { motionId } })).toBe(VOTERS);
    expect(await h.core.db.vote.count({ where: { motionId, choice: 'yes' } })).toBe(VOTERS);
    expect(await h.core.db.outboundMessage.count({ where: { villageId } })).toBe(0);

    const entries = await expectVerifies(SETUP_ENTRIES + VOTERS);
    const voteEntries = entries.slice(SETUP_ENTRIES);
    expect(voteEntries.every((e) => e.type === 'vote.cast' && e.villageId === villageId)).toBe(true);
  });

  it('answers 100 simultaneous re-sends of the same messages as duplicates without new entries', async () => {
    const before = await readLog();
    const responses = await Promise.all(votes().map((m) => sendSignedMessage(h.app, channelId, IN_SECRET, m)));
    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'duplicate', outcome: { kind: 'duplicate' } });
    }
    const after = await expectVerifies(SETUP_ENTRIES + VOTERS);
    expect(after).toEqual(before);
    expect(await h.core.db.vote.count({ where: { motionId } })).toBe(VOTERS);
    expect(await h.core.db.inboundMessage.count({ where: { channelId } })).toBe(VOTERS);
  });

  it('keeps one chain when two instances take 50 vote changes each at the same time', async () => {
    const changes = externalIds.map((senderId, i) => ({ messageId: `change-${i}`, senderId, text: '1号反对' }));
    const responses = await Promise.all(
      changes.map((m, i) => sendSignedMessage(i % 2 === 0 ? h.app : h2.app, channelId, IN_SECRET, m)),
    );
    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'accepted', outcome: { kind: 'vote', results: [{ motionNumber: 1, status: 'changed' }] } });
    }
    expect(await h.core.db.vote.count({ where: { motionId, choice: 'no' } })).toBe(VOTERS);

    const entries = await expectVerifies(SETUP_ENTRIES + 2 * VOTERS);
    const changed = entries.slice(SETUP_ENTRIES + VOTERS);
    expect(changed.every((e) => e.type === 'vote.changed')).toBe(true);
    // The second instance reads the same chain.
    const verify2 = await h2.app.inject({ method: 'GET', url: `/api/villages/${villageId}/log/verify`, headers: committee });
    expect(verify2.json()).toEqual({ ok: true, count: entries.length, headHash: entries.at(-1)!.hash });
    const motion = await api('GET', `/api/motions/${motionId}`, committee);
    expect(motion.json()).toMatchObject({ status: 'open', tally: { yes: 0, no: VOTERS, abstain: 0 } });
  });
});
