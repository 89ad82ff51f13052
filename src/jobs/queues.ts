import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Every queue, its job names and payloads, in one typed registry. */
export interface JobPayloads {
  deliveries: { deliver: { outboundId: string } };
  inbound: { process: { inboundId: string } };
  tasks: {
    'ensure-meeting': { villageId: string; scheduledAt: string };
    'post-agenda': { meetingId: string };
    'close-motion': { motionId: string };
    'send-reminder': { meetingId: string };
  };
}

export type QueueName = keyof JobPayloads;

const defaultJobOptions: Record<QueueName, JobsOptions> = {
  deliveries: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000 },
    // Completed ids are kept a day so that re-adding the same deterministic id is a no-op meanwhile.
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  },
  inbound: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: 86_400, count: 10_000 },
    // The row stays unprocessed on failure; the sweeper re-enqueues it, so a failed job must not block its id.
    removeOnFail: true,
  },
  tasks: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 86_400, count: 10_000 },
    // A kept failed job would block its id, so the next tick could not plan it again (e.g. after a
    // database outage); the planner is the source of truth and the services are idempotent.
    removeOnFail: true,
  },
};

export interface Queues {
  prefix: string;
  deliveries: Queue;
  inbound: Queue;
  tasks: Queue;
  enqueueDelivery(outboundId: string): Promise<void>;
  enqueueInbound(inboundId: string): Promise<void>;
  enqueueTask<N extends keyof JobPayloads['tasks']>(name: N, jobId: string, data: JobPayloads['tasks'][N]): Promise<void>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, onError: (err: Error) => void): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix, defaultJobOptions: defaultJobOptions[name] });
    queue.on('error', onError);
    return queue;
  };
  const deliveries = make('deliveries');
  const inbound = make('inbound');
  const tasks = make('tasks');
  return {
    prefix,
    deliveries,
    inbound,
    tasks,
    async enqueueDelivery(outboundId) {
      await deliveries.add('deliver', { outboundId }, { jobId: outboundId });
    },
    async enqueueInbound(inboundId) {
      await inbound.add('process', { inboundId }, { jobId: `inbound-${inboundId}` });
    },
    async enqueueTask(name, jobId, data) {
      await tasks.add(name, data, { jobId });
    },
    async close() {
      await Promise.all([deliveries.close(), inbound.close(), tasks.close()]);
    },
  };
}
