/**
 * Applies pending migrations from prisma/migrations (offline replacement for `prisma migrate deploy`).
 *
 *   DATABASE_URL=postgresql://... npm run migrate [-- --schema=<name>]
 */
import { applyMigrations } from '../src/store/migrate.ts';

async function main(argv: string[]): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('DATABASE_URL is not set\n');
    return 2;
  }
  let schema: string | undefined;
  for (const arg of argv) {
    if (arg.startsWith('--schema=')) schema = arg.slice('--schema='.length) || undefined;
    else {
      process.stderr.write(`unknown argument ${arg}\nusage: npm run migrate [-- --schema=<name>]\n`);
      return 2;
    }
  }
  const { applied } = await applyMigrations({
    databaseUrl,
    schema,
    log: (msg) => process.stdout.write(`${msg}\n`),
  });
  if (applied.length > 0) process.stdout.write(`Applied: ${applied.join(', ')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
