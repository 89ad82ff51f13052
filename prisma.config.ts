import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma cannot download its native schema engine here. generate/validate/format only check that this
// path exists; the stub fails loudly if anything tries to run it, so `prisma migrate *` never "succeeds"
// silently. Migrations are applied by scripts/migrate.ts and authored by scripts/migration-diff.ts.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, 'scripts', 'schema-engine-stub.sh');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
