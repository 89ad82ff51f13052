import { UnrecoverableError, Worker, type Job } from 'bullmq';
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
    async (job: Job<JobPayloads['deliveries']['deliver']>) => {
      const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const result = await services.deliveries.deliver(job.data.outboundId, isLast);
      if (result.step === 'retry') throw new Error(result.error ?? 'delivery failed');
      if (result.step === 'failed') throw new UnrecoverableError(result.error ?? 'delivery failed');
      return result.step;
    },
    { ...options, concurrency: deps.concurrency ?? 20 },
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
        default:
          throw new UnrecoverableError(`unknown task ${job.name}`);
      }
    },
    { ...options, concurrency: deps.concurrency ?? 5 },
  );

  for (const worker of [deliveries, tasks]) worker.on('error', deps.onError);
  return {
    deliveries,
    tasks,
    async close() {
      await Promise.all([deliveries.close(), tasks.close()]);
    },
  };
}

export type Workers = ReturnType<typeof startWorkers>;
