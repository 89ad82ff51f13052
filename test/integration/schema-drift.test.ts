import { describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../../scripts/lib/schema-engine.ts';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

describe('prisma/migrations vs prisma/schema.prisma', () => {
  it('has no drift (run `npm run migration:diff -- <name>` after changing the schema)', async () => {
    const { sql, empty } = await diffMigrationsToSchema({ databaseUrl });
    expect(empty, `schema.prisma needs a migration:\n${sql}`).toBe(true);
    expect(sql).toBe('');
  }, 60_000);
});
