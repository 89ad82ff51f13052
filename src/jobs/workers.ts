import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Services } from '../services/index.ts';
import type { JobPayloads } from './queues.ts';

const SCHEDULER = 'system:scheduler';

/** The two workers: outbox deliveries and the planner's tasks. Both call the same services as the HTTP routes. */
export function startWorkers(deps: { connection: Redis; prefix: string; services: Services; onError: (err: Error) => void; concurrency?: number }) {
  const { services } = deps;
  const options = { connection: deps.connection, prefix: deps.prefix };

  const deliveries = new Worker(
    'deliveries',
    async (job: Job<JobPayloads['deliveries']['deliver']>, token?: string) => {
      const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const result = await services.deliveries.deliver(job.data.outboundId, isLast);
      if (result.step === 'retry') throw new Error(result.error);
      if (result.step === 'failed') throw new UnrecoverableError(result.error);
      if (result.step === 'delayed') {
        // A rate limit waits without using up an attempt: the message is delayed, never dropped.
        await job.moveToDelayed(Date.now() + result.delayMs, token);
        throw new DelayedError();
      }
      return result.step;
    },
    { ...options, concurrency: deps.concurrency ?? 20 },
  );

  const inbound = new Worker(
    'inbound',
    async (job: Job<JobPayloads['inbound']['process']>) => {
      await services.chatInbound.process(job.data.inboundId);
    },
    { ...options, concurrency: deps.concurrency ?? 10 },
  );

  const tasks = new Worker(
    'tasks',
    async (job: Job) => {
      switch (job.name as keyof JobPayloads['tasks']) {
        case 'ensure-meeting':
          await services.meetings.schedule(job.data.villageId, new Date(job.data.scheduledAt), SCHEDULER);
          return;
        case 'post-agenda':
          await services.meetings.postAgenda(job.data.meetingId, SCHEDULER);
          return;
        case 'close-motion':
          await services.motions.close(job.data.motionId, SCHEDULER);
          return;
        case 'send-reminder':
          await services.reminders.send(job.data.meetingId, SCHEDULER);
          return;
        default:
          throw new UnrecoverableError(`unknown task ${job.name}`);
      }
    },
    { ...options, concurrency: deps.concurrency ?? 5 },
  );

  for (const worker of [deliveries, inbound, tasks]) worker.on('error', deps.onError);
  return {
    deliveries,
    inbound,
    tasks,
    async close() {
      await Promise.all([deliveries.close(), inbound.close(), tasks.close()]);
    },
  };
}

export type Workers = ReturnType<typeof startWorkers>;
