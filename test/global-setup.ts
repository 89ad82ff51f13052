import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.ts';
import { startEmbeddedRedis } from '../src/infra/embedded-redis.ts';

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/**
 * `npm test` on a machine without servers: when neither DATABASE_URL / REDIS_URL is set nor the standard local
 * ports answer, the suite runs on the same embedded PostgreSQL and spawned Redis as `npm start`, in a temporary
 * directory. Test files read the URLs from the environment, which the forked workers inherit.
 */
export default async function setup() {
  const stops: Array<() => Promise<void>> = [];
  let dir: string | null = null;
  const workDir = async () => {
    if (!dir) {
      dir = await mkdtemp(path.join(tmpdir(), 'yangguang-test-'));
      await chmod(dir, 0o755); // as root, PostgreSQL runs as "postgres" and must be able to enter it
    }
    return dir;
  };
  if (!process.env.DATABASE_URL && !(await reachable(5432))) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(await workDir(), 'pg'), log: () => {} });
    process.env.DATABASE_URL = pg.databaseUrl;
    stops.push(pg.stop);
  }
  if (!process.env.REDIS_URL && !(await reachable(6379))) {
    const redis = await startEmbeddedRedis({ dataDir: path.join(await workDir(), 'redis'), log: () => {}, searchPath: process.env.PATH ?? '' });
    process.env.REDIS_URL = redis.redisUrl;
    stops.push(redis.stop);
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}
