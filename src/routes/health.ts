import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../store/prisma.ts';

export interface HealthDeps {
  db: Db;
  redis: Redis;
  /** false once shutdown began, so load balancers stop sending traffic first */
  isAccepting(): boolean;
}

export const healthRoutes: FastifyPluginAsync<HealthDeps> = async (app, deps) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const checks = { database: false, redis: false, accepting: deps.isAccepting() };
    const withTimeout = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
    await Promise.all([
      withTimeout(deps.db.$queryRaw`SELECT 1`).then(() => (checks.database = true), (err) => request.log.warn({ err }, 'readyz: database unreachable')),
      withTimeout(deps.redis.ping()).then(() => (checks.redis = true), (err) => request.log.warn({ err }, 'readyz: redis unreachable')),
    ]);
    const ready = checks.database && checks.redis && checks.accepting;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
