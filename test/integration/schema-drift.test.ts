import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../../scripts/lib/schema-engine.ts';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function serverMajorVersion(): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return Math.floor(Number(rows[0].server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

// Prisma 7.10's WebAssembly schema engine panics ("unreachable") describing a PostgreSQL 18 database, which is
// what the embedded server is when `npm test` runs on a machine without PostgreSQL. CI (PostgreSQL 15) runs it.
const engineSupportsServer = (await serverMajorVersion()) < 18;

describe('prisma/migrations vs prisma/schema.prisma', () => {
  it.skipIf(!engineSupportsServer)('has no drift (run `npm run migration:diff -- <name>` after changing the schema)', async () => {
    const { sql, empty } = await diffMigrationsToSchema({ databaseUrl });
    expect(empty, `schema.prisma needs a migration:\n${sql}`).toBe(true);
    expect(sql).toBe('');
  }, 60_000);
});
