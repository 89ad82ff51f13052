import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/**
 * Applies pending prisma/migrations/<name>/migration.sql files with plain `pg` (the native Prisma schema
 * engine is not available offline). Rows written to `_prisma_migrations` match Prisma's own, so
 * `prisma migrate status/deploy` (where they can run) see these migrations as applied.
 * Each migration runs in its own transaction (so no CREATE INDEX CONCURRENTLY in migrations).
 */
export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** Postgres schema to migrate; created if missing and used as search_path. Default: the server's. */
  schema?: string;
  migrationsDir?: string;
  log?: (msg: string) => void;
}

export const DEFAULT_MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

/** The key Prisma Migrate itself locks on, so this runner and `prisma migrate` exclude each other too. */
const ADVISORY_LOCK_KEY = 72707369;

// Exactly the table Prisma's Postgres connector creates.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

export async function applyMigrations(opts: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => {});
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();

  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  let locked = false;
  try {
    // Lock first: concurrent CREATE SCHEMA/TABLE IF NOT EXISTS can still collide on the catalog.
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    locked = true;
    if (opts.schema) {
      const schema = client.escapeIdentifier(opts.schema);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
    }
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
    );
    const recorded = new Map(rows.map((r) => [r.migration_name, r]));
    for (const name of recorded.keys()) {
      if (!names.includes(name)) log(`migration ${name} is recorded in the database but missing from ${migrationsDir}`);
    }

    const applied: string[] = [];
    for (const name of names) {
      const bytes = await readFile(path.join(migrationsDir, name, 'migration.sql'));
      const checksum = createHash('sha256').update(bytes).digest('hex');
      const row = recorded.get(name);
      if (row) {
        if (row.finished_at === null) {
          throw new Error(`Migration ${name} failed in an earlier run and is not finished; resolve it before migrating.`);
        }
        if (row.checksum !== checksum) {
          throw new Error(
            `Migration ${name} was modified after it was applied (checksum in database ${row.checksum}, ` +
              `file ${checksum}). Never edit applied migrations; add a new one instead.`,
          );
        }
        continue;
      }
      log(`applying migration ${name}`);
      const startedAt = new Date();
      await client.query('BEGIN');
      try {
        await client.query(bytes.toString('utf8'));
        await client.query(
          `INSERT INTO _prisma_migrations
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), checksum, name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${name} failed and was rolled back: ${reason}`, { cause: error });
      }
      applied.push(name);
    }
    log(applied.length > 0 ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
    return { applied };
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
