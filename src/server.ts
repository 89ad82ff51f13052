import cron, { type ScheduledTask } from 'node-cron';
import pino from 'pino';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createCore } from './core.ts';
import { startEmbeddedPostgres } from './infra/embedded-postgres.ts';
import { startEmbeddedRedis } from './infra/embedded-redis.ts';
import { resolveSecretKey } from './infra/secret-key.ts';
import { startWorkers, type Workers } from './jobs/workers.ts';
import { startLongConnections } from './chat/connections.ts';
import { systemClock } from './services/clock.ts';
import { applyMigrations } from './store/migrate.ts';
import path from 'node:path';

/** Process entry: configuration, embedded servers when none are configured, migrations, API, workers, cron. */
async function main() {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization'] });
  // The embedded servers' own output is for debugging; our messages about them stay at info.
  const log = (msg: string) => (/^(postgres|redis): /.test(msg) ? logger.debug(msg) : logger.info(msg));
  const stops: Array<() => Promise<void>> = [];

  const pg = config.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg'), log });
  if (pg) stops.push(pg.stop);
  const rd = config.REDIS_URL ? null : await startEmbeddedRedis({ dataDir: path.join(config.dataDir, 'redis'), log, searchPath: config.PATH });
  if (rd) stops.push(rd.stop);
  const databaseUrl = config.DATABASE_URL ?? pg!.databaseUrl;
  const redisUrl = config.REDIS_URL ?? rd!.redisUrl;

  const { key: secretKey, generated } = await resolveSecretKey(config.SECRET_KEY, config.dataDir, !config.DATABASE_URL);
  if (generated) logger.warn(`generated a new channel-secret key in ${path.join(config.dataDir, 'secret.key')}; back it up with the data`);
  const { applied } = await applyMigrations({ databaseUrl, log });
  if (applied.length) logger.info({ applied }, 'applied database migrations');

  const core = createCore({ databaseUrl, redisUrl, prefix: config.QUEUE_PREFIX, secretKey, clock: systemClock, logger, cjkFont: config.CJK_FONT });
  const sealed = await core.services.channels.sealPlaintextUrls();
  if (sealed) logger.info({ sealed }, 'sealed push URLs stored in plain text by an earlier version');
  const adminToken = await core.services.villages.ensureAdminToken(config.ADMIN_TOKEN);
  if (adminToken) {
    // Printed once, on the first start only: only its hash is stored.
    process.stdout.write(`\n  First admin token (shown once, keep it safe):\n  ${adminToken}\n\n`);
  }

  let accepting = true;
  const runApi = config.ROLE !== 'worker';
  const runWorker = config.ROLE !== 'api';
  const app = runApi ? await buildApp({ db: core.db, redis: core.redis, services: core.services, feed: core.feed, queues: core.queues, clock: systemClock, logger: { level: config.LOG_LEVEL }, isAccepting: () => accepting }) : null;
  let workers: Workers | null = null;
  let tick: ScheduledTask | null = null;
  let connections: Awaited<ReturnType<typeof startLongConnections>> | null = null;
  if (runWorker) {
    workers = startWorkers({ connection: core.workerRedis, prefix: config.QUEUE_PREFIX, services: core.services, onError: (err) => logger.error({ err }, 'worker error') });
    connections = await startLongConnections({ db: core.db, channels: core.services.channels, chatInbound: core.services.chatInbound, log: logger });
    tick = cron.schedule('* * * * *', () => {
      core.services.planner.tick(systemClock.now()).catch((err) => logger.error({ err }, 'planner tick failed'));
    });
    void core.services.planner.tick(systemClock.now()).catch((err) => logger.error({ err }, 'planner tick failed'));
  }
  if (app) {
    const address = await app.listen({ host: config.HOST, port: config.PORT });
    logger.info(`Yangguang (${config.ROLE}) listening on ${address}`);
  } else {
    logger.info('Yangguang worker started');
  }

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    accepting = false;
    await tick?.stop();
    await connections?.close();
    await app?.close();
    await workers?.close();
    await core.close();
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'stopping embedded server failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  // The logger may not exist yet: write the reason plainly and fail.
  process.stderr.write(`Yangguang failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
