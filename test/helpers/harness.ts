import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { createCore } from '../../src/core.ts';
import { startWorkers, type Workers } from '../../src/jobs/workers.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { TestClock } from './clock.ts';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface SharedDeployment {
  schema: string;
  prefix: string;
  secretKey: Buffer;
  clock: TestClock;
}

export interface HarnessOptions {
  /** start the BullMQ workers (deliveries and tasks) in this process */
  workers?: boolean;
  /** reuse the schema and prefix of another harness: a second instance of the same deployment */
  shareWith?: SharedDeployment;
}

/** The real app on the real PostgreSQL and Redis, in a schema and queue prefix of its own. */
export async function createHarness(opts: HarnessOptions = {}) {
  const suffix = randomBytes(5).toString('hex');
  const schema = opts.shareWith?.schema ?? `t_${suffix}`;
  const prefix = opts.shareWith?.prefix ?? `ygtest-${suffix}`;
  const secretKey = opts.shareWith?.secretKey ?? randomBytes(32);
  const clock = opts.shareWith?.clock ?? new TestClock();
  if (!opts.shareWith) await applyMigrations({ databaseUrl: DATABASE_URL, schema });
  const logger = pino({ level: 'silent' });
  const core = createCore({ databaseUrl: DATABASE_URL, schema, redisUrl: REDIS_URL, prefix, secretKey, clock, logger });
  await core.services.villages.ensureAdminToken(ADMIN_TOKEN);
  const app = await buildApp({ db: core.db, redis: core.redis, services: core.services, feed: core.feed, queues: core.queues, clock });
  let workers: Workers | null = null;
  if (opts.workers) workers = startWorkers({ connection: core.workerRedis, prefix, services: core.services, onError: () => {} });

  return {
    schema,
    prefix,
    secretKey,
    clock,
    core,
    app,
    workers,
    adminAuth: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async close() {
      await app.close();
      await workers?.close();
      if (!opts.shareWith) {
        await core.queues.deliveries.obliterate({ force: true });
        await core.queues.tasks.obliterate({ force: true });
        await core.queues.inbound.obliterate({ force: true });
        // Per-robot rate-limit counters outlive the queues; they belong to this suite's prefix.
        const keys = await core.redis.keys(`${prefix}:rl:*`);
        if (keys.length > 0) await core.redis.del(...keys);
      }
      await core.close();
      if (!opts.shareWith) await dropSchema(schema);
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
