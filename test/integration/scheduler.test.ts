import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedJob } from '../../src/domain/planner.ts';
import { startChatSink } from '../helpers/chat-sink.ts';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';

const OUT_SECRET = 'outbound-secret-scheduler-0123';
const ACTIVE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

const DEC_1 = new Date('2026-12-01T00:00:00+08:00');
const DEC_5_MEETING = new Date('2026-12-05T19:30:00+08:00');
const LEAD_BEGINS = new Date('2026-12-04T19:30:00+08:00');
const CLOSES_AT = new Date('2026-12-05T22:30:00+08:00');
const JAN_5_MEETING = new Date('2027-01-05T19:30:00+08:00');
const MINUTE = 60_000;

/**
 * The cron tick end to end on two instances of one deployment (same schema, same queue prefix, each with its
 * own workers): double ticks and simultaneous ticks post nothing twice, and everything runs on the test clock.
 */
describe('scheduler: planner ticks on two instances', () => {
  let h: Harness;
  let h2: Harness;
  let sink: Awaited<ReturnType<typeof startChatSink>>;
  let secretary: Record<string, string>;
  let villageId: string;
  let meetingId: string;
  let motionId: string;

  const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    h.app.inject({ method, url, headers, payload });
  const sent = (type: string) => sink.requests.filter((r) => JSON.parse(r.rawBody).type === type);
  const logEntries = async () => {
    const res = await api('GET', `/api/villages/${villageId}/log?limit=1000`, h.adminAuth);
    expect(res.statusCode).toBe(200);
    return res.json().entries as Array<{ seq: number; type: string; actor: string; payload: Record<string, unknown>; createdAt: string }>;
  };
  const logged = async (type: string) => (await logEntries()).filter((e) => e.type === type);

  /** What the cron does on both instances at `now`: a double tick where both instances fire together. */
  async function tickEverywhere(now: Date): Promise<PlannedJob[][]> {
    const plans: PlannedJob[][] = [];
    for (let round = 0; round < 2; round++) {
      plans.push(...(await Promise.all([h.core.services.planner.tick(now), h2.core.services.planner.tick(now)])));
    }
    return plans;
  }

  /** Waits until both queues have nothing left to do (tasks first: a task enqueues its deliveries before it completes). */
  async function settled() {
    const busy = async (queue: Queue) => {
      const counts: Record<string, number> = await queue.getJobCounts(...ACTIVE_STATES);
      return Object.values(counts).some((n) => n > 0);
    };
    await eventually(async () => !(await busy(h.core.queues.tasks)) && !(await busy(h.core.queues.deliveries)));
    expect(await h.core.queues.tasks.getJobCounts('failed')).toEqual({ failed: 0 });
    expect(await h.core.queues.deliveries.getJobCounts('failed')).toEqual({ failed: 0 });
  }

  beforeAll(async () => {
    h = await createHarness({ workers: true });
    h2 = await createHarness({ workers: true, shareWith: h });
    expect(h2.clock).toBe(h.clock);
    h.clock.set(DEC_1);
    sink = await startChatSink();

    const village = await api('POST', '/api/villages', h.adminAuth, {
      name: '阳光村',
      code: '330106001002',
      meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' },
      timezone: 'Asia/Shanghai',
    });
    expect(village.statusCode).toBe(201);
    expect(village.json()).toMatchObject({ agendaLeadMinutes: 1440, voteWindowMinutes: 180, nextMeetingAt: DEC_5_MEETING.toISOString() });
    villageId = village.json().id;
    const token = await api('POST', `/api/villages/${villageId}/tokens`, h.adminAuth, { role: 'secretary' });
    expect(token.statusCode).toBe(201);
    secretary = { authorization: `Bearer ${token.json().token}` };
    const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, {
      platform: 'webhook',
      name: '阳光村村民群',
      outbound: { url: sink.url, secret: OUT_SECRET },
    });
    expect(channel.statusCode).toBe(201);
  });

  afterAll(async () => {
    await h2?.close();
    await h?.close();
    await sink?.close();
  });

  it('(a) creates the next meeting exactly once despite double and simultaneous ticks', async () => {
    const now = h.clock.now();
    expect(now.toISOString()).toBe(DEC_1.toISOString());
    // A double tick on one instance, then both instances together, twice.
    const single = [await h.core.services.planner.tick(now), await h.core.services.planner.tick(now)];
    const plans = [...single, ...(await tickEverywhere(now))];
    await settled();

    const expected = {
      name: 'ensure-meeting',
      jobId: `ensure-meeting-${villageId}-${DEC_5_MEETING.getTime()}`,
      data: { villageId, scheduledAt: DEC_5_MEETING.toISOString() },
    };
    expect(plans).toHaveLength(6);
    for (const plan of plans) expect(plan).toEqual([expected]);

    const meetings = await h.core.db.meeting.findMany({ where: { villageId } });
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({ scheduledAt: DEC_5_MEETING, status: 'scheduled' });
    meetingId = meetings[0].id;
    const scheduled = await logged('meeting.scheduled');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ actor: 'system:scheduler', payload: { meetingId, scheduledAt: DEC_5_MEETING.toISOString() }, createdAt: DEC_1.toISOString() });
    expect(sink.requests).toHaveLength(0);
  });

  it('(b) posts the agenda once, when the lead time begins', async () => {
    const motion = await api('POST', `/api/meetings/${meetingId}/motions`, secretary, { title: '村西道路硬化', text: '村西道路硬化的具体方案', decidingBody: 'villagers_assembly' });
    expect(motion.statusCode).toBe(201);
    motionId = motion.json().id;

    // A minute before the lead time: nothing is due yet.
    h.clock.set(new Date(LEAD_BEGINS.getTime() - MINUTE));
    for (const plan of await tickEverywhere(h.clock.now())) expect(plan.map((j) => j.name)).toEqual(['ensure-meeting']);
    await settled();
    expect(await logged('agenda.posted')).toHaveLength(0);

    h.clock.set(LEAD_BEGINS);
    const plans = await tickEverywhere(h.clock.now());
    for (const plan of plans) expect(plan.map((j) => j.jobId)).toEqual([`ensure-meeting-${villageId}-${DEC_5_MEETING.getTime()}`, `post-agenda-${meetingId}`]);
    await settled();

    expect(sent('agenda')).toHaveLength(1);
    expect(sink.requests).toHaveLength(1);
    const [request] = sent('agenda');
    // The worker signs with the injected clock, not the wall clock.
    expect(request.headers['x-yangguang-timestamp']).toBe(String(LEAD_BEGINS.getTime() / 1000));
    expect(JSON.parse(request.rawBody)).toMatchObject({ type: 'agenda', villageId, meetingId });
    expect(JSON.parse(request.rawBody).text).toContain('村西道路硬化');

    const posted = await logged('agenda.posted');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ actor: 'system:scheduler', createdAt: LEAD_BEGINS.toISOString() });
    const state = await api('GET', `/api/motions/${motionId}`, h.adminAuth);
    expect(state.json()).toMatchObject({ status: 'open', opensAt: LEAD_BEGINS.toISOString(), closesAt: CLOSES_AT.toISOString() });
    expect(CLOSES_AT.getTime() - DEC_5_MEETING.getTime()).toBe(180 * MINUTE);
    expect(await h.core.db.meeting.count({ where: { villageId } })).toBe(1);
    const deliveries = await api('GET', `/api/villages/${villageId}/deliveries`, secretary);
    expect(deliveries.json().deliveries).toEqual([expect.objectContaining({ type: 'agenda', status: 'delivered' })]);
  });

  it('(c) closes the vote once, when its window has ended', async () => {
    // A minute before the window ends: the meeting is over, so next month's meeting is planned and the one
    // reminder goes out, but nothing closes.
    h.clock.set(new Date(CLOSES_AT.getTime() - MINUTE));
    for (const plan of await tickEverywhere(h.clock.now())) expect(plan.map((j) => j.name)).toEqual(['ensure-meeting', 'send-reminder']);
    await settled();
    expect(await logged('motion.closed')).toHaveLength(0);
    expect(await logged('reminder.posted')).toHaveLength(1);
    expect((await api('GET', `/api/motions/${motionId}`, h.adminAuth)).json().status).toBe('open');

    const past = new Date(CLOSES_AT.getTime() + MINUTE);
    h.clock.set(past);
    const plans = await tickEverywhere(h.clock.now());
    for (const plan of plans) {
      expect(plan.map((j) => j.jobId)).toEqual([`ensure-meeting-${villageId}-${JAN_5_MEETING.getTime()}`, `close-motion-${motionId}`]);
    }
    await settled();

    const closed = await logged('motion.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ actor: 'system:scheduler', createdAt: past.toISOString(), payload: { motionId, outcome: 'advisory' } });
    expect(sent('result')).toHaveLength(1);
    expect(sent('agenda')).toHaveLength(1);
    expect(sent('reminder')).toHaveLength(1);
    expect(sink.requests).toHaveLength(3);
    expect(JSON.parse(sent('result')[0].rawBody).text).toContain('仅作征求意见');

    const state = await api('GET', `/api/motions/${motionId}`, h.adminAuth);
    expect(state.json()).toMatchObject({ status: 'closed', closedAt: past.toISOString(), tally: { yes: 0, no: 0, abstain: 0, total: 0 }, outcome: 'advisory' });
    const meetings: Array<{ scheduledAt: Date; status: string }> = await h.core.db.meeting.findMany({ where: { villageId }, orderBy: { scheduledAt: 'asc' } });
    expect(meetings.map((m) => [m.scheduledAt.toISOString(), m.status])).toEqual([
      [DEC_5_MEETING.toISOString(), 'closed'],
      [JAN_5_MEETING.toISOString(), 'scheduled'],
    ]);
  });

  it('(d) leaves a log with each event once, which verifies on either instance', async () => {
    const entries = await logEntries();
    const count = (type: string) => entries.filter((e) => e.type === type).length;
    expect(entries.map((e) => e.type).sort()).toEqual(
      ['village.created', 'channel.added', 'meeting.scheduled', 'motion.created', 'agenda.posted', 'meeting.scheduled', 'reminder.posted', 'motion.closed'].sort(),
    );
    expect(count('meeting.scheduled')).toBe(2);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));

    const verify = await api('GET', `/api/villages/${villageId}/log/verify`, h.adminAuth);
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ ok: true, count: entries.length });
    const fromSecond = await h2.app.inject({ method: 'GET', url: `/api/villages/${villageId}/log/verify`, headers: h2.adminAuth });
    expect(fromSecond.json()).toEqual(verify.json());
  });
});
