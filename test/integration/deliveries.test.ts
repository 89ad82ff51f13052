import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatSink, type SinkRequest, type SinkResponder } from '../helpers/chat-sink.ts';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';

/** The outbox on the real workers: permanent failures, retried transient failures, and the sweeper. */

type Sink = Awaited<ReturnType<typeof startChatSink>>;

const OUT_SECRET = 'outbound-secret-0123456789';

let h: Harness;
const sinks: Sink[] = [];
let villageCount = 0;

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => h.app.inject({ method, url, headers, payload });
const deliveryIdOf = (req: SinkRequest) => req.headers['x-yangguang-delivery'];
const requestsFor = (sink: Sink, outboundId: string) => sink.requests.filter((r) => deliveryIdOf(r) === outboundId);
const outboxRow = (id: string) => h.core.db.outboundMessage.findUniqueOrThrow({ where: { id } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A chat sink answering with the given statuses in turn (the last one repeats); `seenAt` holds when each request came. */
async function sinkAnswering(...statuses: number[]) {
  const seenAt: number[] = [];
  const responder: SinkResponder = () => {
    const status = statuses[Math.min(seenAt.length, statuses.length - 1)];
    seenAt.push(Date.now());
    return { status, body: JSON.stringify({ answer: status }) };
  };
  const sink = Object.assign(await startChatSink(responder), { seenAt });
  sinks.push(sink);
  return sink;
}

/** A fresh village whose one channel pushes to `sink`; a one-minute agenda lead keeps the planner from posting agendas itself. */
async function villageWithSink(sink: Sink) {
  const village = await api('POST', '/api/villages', h.adminAuth, {
    name: `测试村${++villageCount}`, code: `3301060020${String(villageCount).padStart(2, '0')}`, meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' }, agendaLeadMinutes: 1,
  });
  expect(village.statusCode, village.body).toBe(201);
  const villageId: string = village.json().id;
  const token = await api('POST', `/api/villages/${villageId}/tokens`, h.adminAuth, { role: 'secretary' });
  const secretary = { authorization: `Bearer ${token.json().token}` };
  const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, { platform: 'webhook', name: '村民群', outbound: { url: sink.url, secret: OUT_SECRET } });
  expect(channel.statusCode, channel.body).toBe(201);
  return { villageId, secretary };
}

/** Schedules a meeting with one motion and posts its agenda; returns the id of the one outbox row. */
async function postAgenda(village: { villageId: string; secretary: Record<string, string> }) {
  const meeting = await api('POST', `/api/villages/${village.villageId}/meetings`, village.secretary, { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
  expect(meeting.statusCode, meeting.body).toBe(201);
  const motion = await api('POST', `/api/meetings/${meeting.json().id}/motions`, village.secretary, { title: '路灯维修', text: '更换十盏路灯', decidingBody: 'villagers_assembly' });
  expect(motion.statusCode, motion.body).toBe(201);
  const posted = await api('POST', `/api/meetings/${meeting.json().id}/agenda/post`, village.secretary);
  expect(posted.statusCode, posted.body).toBe(202);
  expect(posted.json().deliveries).toHaveLength(1);
  return posted.json().deliveries[0] as string;
}

beforeAll(async () => {
  h = await createHarness({ workers: true });
});

afterAll(async () => {
  await h?.close();
  await Promise.all(sinks.map((s) => s.close()));
});

describe('outbox deliveries', () => {
  it('marks a delivery failed after one attempt when the platform answers 400, and shows why', async () => {
    const sink = await sinkAnswering(400);
    const village = await villageWithSink(sink);
    const outboundId = await postAgenda(village);

    await eventually(async () => (await h.core.queues.deliveries.getJobState(outboundId)) === 'failed');
    const row = await outboxRow(outboundId);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 400', response: { status: 400, body: '{"answer":400}' }, deliveredAt: null });
    expect(requestsFor(sink, outboundId)).toHaveLength(1);

    const listed = await api('GET', `/api/villages/${village.villageId}/deliveries`, village.secretary);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().deliveries).toEqual([
      expect.objectContaining({ id: outboundId, type: 'agenda', status: 'failed', attempts: 1, lastError: 'HTTP 400', response: { status: 400, body: '{"answer":400}' } }),
    ]);
  });

  it('retries 429 and 500 with exponential backoff and ends delivered after 3 attempts', { timeout: 30_000 }, async () => {
    const sink = await sinkAnswering(429, 500, 200);
    const village = await villageWithSink(sink);
    const outboundId = await postAgenda(village);

    const row = await eventually(async () => {
      const current = await outboxRow(outboundId);
      return current.status === 'delivered' && current;
    }, 25_000);
    expect(row).toMatchObject({ attempts: 3, lastError: null, response: { status: 200, body: '{"answer":200}' } });
    expect(row.deliveredAt).toBeInstanceOf(Date);
    expect(requestsFor(sink, outboundId)).toHaveLength(3);
    // BullMQ's exponential backoff from 2 s: about 2 s before the second attempt, about 4 s before the third.
    const [first, second, third] = sink.seenAt;
    expect(second - first).toBeGreaterThanOrEqual(1_900);
    expect(third - second).toBeGreaterThanOrEqual(3_900);
  });

  it('the sweeper re-enqueues a pending row whose job was lost, and it is delivered exactly once', async () => {
    const sink = await sinkAnswering(200);
    const village = await villageWithSink(sink);
    // Pause the queue globally so no worker can take the job between the commit and its removal.
    await h.core.queues.deliveries.pause();
    let outboundId: string;
    try {
      outboundId = await postAgenda(village);
      await h.core.queues.deliveries.remove(outboundId);
      expect(await h.core.queues.deliveries.getJob(outboundId)).toBeUndefined();
    } finally {
      await h.core.queues.deliveries.resume();
    }
    await pause(300);
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(requestsFor(sink, outboundId)).toHaveLength(0);

    // Within the grace period the sweeper leaves the row alone.
    await h.core.services.planner.tick(h.clock.now());
    await pause(300);
    expect(requestsFor(sink, outboundId)).toHaveLength(0);

    h.clock.advance(2 * 60_000);
    await Promise.all([h.core.services.planner.tick(h.clock.now()), h.core.services.planner.tick(h.clock.now())]);
    await eventually(async () => (await outboxRow(outboundId)).status === 'delivered');
    await h.core.services.planner.tick(h.clock.now());
    await pause(500);
    expect(await outboxRow(outboundId)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(requestsFor(sink, outboundId)).toHaveLength(1);
  });
});
