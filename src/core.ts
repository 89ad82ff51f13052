import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { createQueues } from './jobs/queues.ts';
import type { Clock } from './services/clock.ts';
import { createServices } from './services/index.ts';
import { createLogFeed } from './services/log-feed.ts';
import { createTemplates } from './services/templates.ts';
import { createPrisma } from './store/prisma.ts';

export interface CoreOptions {
  databaseUrl: string;
  /** PostgreSQL schema (tests give each suite its own) */
  schema?: string;
  redisUrl: string;
  /** BullMQ and pub/sub key prefix (tests give each suite its own) */
  prefix: string;
  secretKey: Buffer;
  clock: Clock;
  logger: FastifyBaseLogger;
  templatesDir?: string;
  cjkFont?: string;
}

/** Connections and services shared by the API and the workers; the server and the tests both build it here. */
export function createCore(opts: CoreOptions) {
  const onError = (err: Error) => opts.logger.error({ err }, 'redis/queue error');
  const db = createPrisma({ databaseUrl: opts.databaseUrl, schema: opts.schema });
  // Producers on the request path fail fast instead of queueing commands while Redis is away.
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', onError);
  // BullMQ workers block on Redis and must retry forever.
  const workerRedis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  workerRedis.on('error', onError);
  const queues = createQueues(redis, opts.prefix, onError);
  const feed = createLogFeed(redis, opts.prefix, onError);
  const templates = createTemplates(opts.templatesDir);
  const services = createServices({ db, redis, queues, feed, clock: opts.clock, templates, secretKey: opts.secretKey, logger: opts.logger, cjkFont: opts.cjkFont });

  return {
    db,
    redis,
    workerRedis,
    queues,
    feed,
    services,
    /** Closes in dependency order: queues, pub/sub, database, then the Redis connections. */
    async close() {
      await queues.close();
      await feed.close();
      await db.$disconnect();
      await Promise.allSettled([redis.quit(), workerRedis.quit()]);
    },
  };
}

export type Core = ReturnType<typeof createCore>;
