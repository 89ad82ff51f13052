import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.ts';
import { startEmbeddedRedis } from '../../src/infra/embedded-redis.ts';

const log = () => {};

describe('embedded PostgreSQL and Redis', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'yangguang-embedded-'));
    // mkdtemp creates 0700; as root, Postgres runs as user "postgres" and must be able to enter it.
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  it('starts, stores data, and keeps it across a restart', { timeout: 60_000 }, async () => {
    const pgDir = path.join(root, 'pg');
    const redisDir = path.join(root, 'redis');

    let postgres = await startEmbeddedPostgres({ dataDir: pgDir, log });
    let redis = await startEmbeddedRedis({ dataDir: redisDir, log, searchPath: process.env.PATH ?? '' });
    try {
      expect(postgres.databaseUrl).toMatch(/^postgresql:\/\/.+@127\.0\.0\.1:\d+\/yangguang$/);
      await withPg(postgres.databaseUrl, async (c) => {
        expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        await c.query('create table kept (v text)');
        await c.query("insert into kept values ('hello')");
      });
      const client = new Redis(redis.redisUrl);
      expect(await client.ping()).toBe('PONG');
      await client.set('kept', 'world');
      expect(await client.get('kept')).toBe('world');
      client.disconnect();
    } finally {
      await redis.stop();
      await postgres.stop();
    }

    postgres = await startEmbeddedPostgres({ dataDir: pgDir, log });
    redis = await startEmbeddedRedis({ dataDir: redisDir, log, searchPath: process.env.PATH ?? '' });
    try {
      await withPg(postgres.databaseUrl, async (c) => {
        expect((await c.query('select v from kept')).rows).toEqual([{ v: 'hello' }]);
      });
      const client = new Redis(redis.redisUrl);
      expect(await client.get('kept')).toBe('world');
      client.disconnect();
    } finally {
      await redis.stop();
      await postgres.stop();
    }
  });

  it('says exactly what to install when redis-server is missing', async () => {
    await expect(startEmbeddedRedis({ dataDir: path.join(root, 'no-redis'), log: () => {}, searchPath: '/nonexistent' })).rejects.toThrow(/apt-get install -y redis-server/);
  });
});
