import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, applyMigrations } from '../../src/store/migrate.ts';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const suffix = randomBytes(5).toString('hex');
const schema = `mig_${suffix}`;
const concurrentSchema = `mig_${suffix}_c`;
const mismatchSchema = `mig_${suffix}_m`;

let admin: pg.Client;
let migrationNames: string[];
let checksums: Map<string, string>;

const q = (name: string) => `"${name}"`;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const entries = await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true });
  migrationNames = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  checksums = new Map();
  for (const name of migrationNames) {
    const bytes = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql'));
    checksums.set(name, createHash('sha256').update(bytes).digest('hex'));
  }
});

afterAll(async () => {
  for (const s of [schema, concurrentSchema, mismatchSchema]) await admin.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`);
  await admin.end();
});

describe('applyMigrations', () => {
  it('finds the init and append-only migrations', () => {
    expect(migrationNames.length).toBeGreaterThanOrEqual(2);
    expect(migrationNames[0]).toMatch(/^\d{14}_init$/);
    expect(migrationNames.some((n) => /^\d{14}_decision_log_append_only$/.test(n))).toBe(true);
  });

  it('creates the schema, applies every migration and records Prisma-compatible rows', async () => {
    const logs: string[] = [];
    const { applied } = await applyMigrations({ databaseUrl, schema, log: (m) => logs.push(m) });
    expect(applied).toEqual(migrationNames);
    expect(logs.length).toBeGreaterThan(0);

    const { rows: tables } = await admin.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    const names = tables.map((t) => t.table_name);
    for (const t of ['_prisma_migrations', 'Village', 'Member', 'Meeting', 'Motion', 'Vote', 'DecisionLogEntry', 'ApiToken']) {
      expect(names).toContain(t);
    }

    const { rows } = await admin.query(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM ${q(schema)}._prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(checksums.get(row.migration_name));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.started_at).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations({ databaseUrl, schema })).toEqual({ applied: [] });
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${q(schema)}._prisma_migrations`);
    expect(rows[0].n).toBe(migrationNames.length);
  });

  it('is safe for concurrent callers on a fresh schema', async () => {
    const results = await Promise.all([
      applyMigrations({ databaseUrl, schema: concurrentSchema }),
      applyMigrations({ databaseUrl, schema: concurrentSchema }),
    ]);
    expect([...results[0].applied, ...results[1].applied].sort()).toEqual(migrationNames);
    const { rows } = await admin.query<{ migration_name: string; n: number }>(
      `SELECT migration_name, count(*)::int AS n FROM ${q(concurrentSchema)}._prisma_migrations GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual(migrationNames.map((migration_name) => ({ migration_name, n: 1 })));
  });

  it('refuses to continue when an applied migration was edited', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      await applyMigrations({ databaseUrl, schema: mismatchSchema, migrationsDir: dir });
      const file = path.join(dir, migrationNames[0], 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited\n`);
      await expect(applyMigrations({ databaseUrl, schema: mismatchSchema, migrationsDir: dir })).rejects.toThrow(
        new RegExp(`Migration ${migrationNames[0]} was modified after it was applied`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes "DecisionLogEntry" append-only (UPDATE, DELETE and TRUNCATE are refused)', async () => {
    const villageId = randomUUID();
    await admin.query(
      `INSERT INTO ${q(schema)}."Village" (id, name, code, "meetingRule") VALUES ($1, 'Test village', '110101001001', $2)`,
      [villageId, JSON.stringify({ kind: 'monthlyDay', day: 5, time: '19:30' })],
    );
    await admin.query(
      `INSERT INTO ${q(schema)}."DecisionLogEntry" ("villageId", seq, type, actor, payload, "createdAt", "prevHash", hash)
       VALUES ($1, 1, 'test', 'tester', '{}', now(), $2, $3)`,
      [villageId, '0'.repeat(64), 'a'.repeat(64)],
    );
    const table = `${q(schema)}."DecisionLogEntry"`;
    await expect(admin.query(`UPDATE ${table} SET actor = 'mallory' WHERE seq = 1`)).rejects.toThrow(
      /decision log is append-only/,
    );
    await expect(admin.query(`DELETE FROM ${table} WHERE seq = 1`)).rejects.toThrow(/decision log is append-only/);
    await expect(admin.query(`TRUNCATE ${table}`)).rejects.toThrow(/decision log is append-only/);
    const { rows } = await admin.query(`SELECT actor FROM ${table}`);
    expect(rows).toEqual([{ actor: 'tester' }]);
    // appending still works
    await admin.query(
      `INSERT INTO ${table} ("villageId", seq, type, actor, payload, "createdAt", "prevHash", hash)
       VALUES ($1, 2, 'test', 'tester', '{}', now(), $2, $3)`,
      [villageId, 'a'.repeat(64), 'b'.repeat(64)],
    );
  });
});
