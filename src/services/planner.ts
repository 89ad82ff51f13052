import { planDue, type PlannedJob } from '../domain/planner.ts';
import type { MeetingRule } from '../domain/schedule.ts';
import type { Queues } from '../jobs/queues.ts';
import type { Db } from '../store/prisma.ts';
import type { ChatInboundService } from './chat-inbound.ts';
import type { DeliveryService } from './deliveries.ts';

const OUTBOX_GRACE_MS = 60_000;

/** The cron tick: reads what is due, enqueues deterministic jobs, re-enqueues outbox and inbox rows that lost their job. */
export function createPlanner(deps: { db: Db; queues: Queues; deliveries: DeliveryService; chatInbound: ChatInboundService }) {
  return {
    async tick(now: Date): Promise<PlannedJob[]> {
      const [villages, scheduledMeetings, openMotions, unreminded] = await Promise.all([
        deps.db.village.findMany({ select: { id: true, timezone: true, meetingRule: true, agendaLeadMinutes: true, reminderLeadMinutes: true } }),
        deps.db.meeting.findMany({ where: { status: 'scheduled', scheduledAt: { gt: now } }, select: { id: true, villageId: true, scheduledAt: true } }),
        deps.db.motion.findMany({ where: { status: 'open', closesAt: { lte: now } }, select: { id: true, closesAt: true } }),
        deps.db.motion.groupBy({ by: ['meetingId', 'villageId'], where: { status: 'open', closesAt: { gt: now }, meeting: { reminderSentAt: null } }, _min: { closesAt: true } }),
      ]);
      const jobs = planDue(
        {
          villages: villages.map((v) => ({ ...v, meetingRule: v.meetingRule as MeetingRule })),
          scheduledMeetings,
          openMotions: openMotions.map((m) => ({ id: m.id, closesAt: m.closesAt! })),
          reminders: unreminded.map((r) => ({ meetingId: r.meetingId, villageId: r.villageId, closesAt: r._min.closesAt! })),
        },
        now,
      );
      for (const job of jobs) await deps.queues.enqueueTask(job.name, job.jobId, job.data as never);
      const graceEnd = new Date(now.getTime() - OUTBOX_GRACE_MS);
      for (const id of await deps.deliveries.stalePending(graceEnd)) await deps.queues.enqueueDelivery(id);
      for (const id of await deps.chatInbound.staleUnprocessed(graceEnd)) await deps.queues.enqueueInbound(id);
      return jobs;
    },
  };
}

export type Planner = ReturnType<typeof createPlanner>;
