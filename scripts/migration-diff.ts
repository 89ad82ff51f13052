/**
 * Authoring migrations offline (the native `prisma migrate dev` cannot run here).
 *
 *   npm run migration:diff                      print the SQL from prisma/migrations to schema.prisma
 *   npm run migration:diff -- <name>            write prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql
 *   npm run migration:diff -- <name> --empty    same, but also when there is no diff (hand-written SQL)
 *   npm run migration:diff -- --check           exit 1 and print the SQL if schema.prisma drifted, else 0
 *
 * Replays the migrations on a temporary shadow database next to DATABASE_URL
 * (default postgresql://postgres@127.0.0.1:5432/test), always dropped afterwards.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_MIGRATIONS_DIR,
  LOCKFILE_CONTENT,
  LOCKFILE_NAME,
  diffMigrationsToSchema,
} from './lib/schema-engine.ts';

const USAGE = 'usage: npm run migration:diff -- [<name> [--empty] | --check]';

function timestamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(
    date.getUTCMinutes(),
  )}${p(date.getUTCSeconds())}`;
}

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const positional = argv.filter((a) => !a.startsWith('--'));
  const unknown = [...flags].filter((f) => f !== '--check' && f !== '--empty');
  const check = flags.has('--check');
  if (unknown.length > 0 || positional.length > 1 || (check && positional.length > 0)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const name = positional[0]?.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (positional.length === 1 && !name) {
    process.stderr.write(`invalid migration name: ${JSON.stringify(positional[0])}\n${USAGE}\n`);
    return 2;
  }

  const migrationsDir = DEFAULT_MIGRATIONS_DIR;
  const { sql, empty } = await diffMigrationsToSchema({
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    migrationsDir,
    log: process.env.DEBUG_SCHEMA_ENGINE ? (msg) => process.stderr.write(`${msg}\n`) : undefined,
  });

  if (check) {
    if (empty) {
      process.stdout.write('No drift: prisma/migrations matches prisma/schema.prisma.\n');
      return 0;
    }
    process.stdout.write(`Drift: prisma/schema.prisma differs from prisma/migrations. Missing SQL:\n\n${sql}\n`);
    return 1;
  }
  if (!name) {
    process.stdout.write(empty ? '-- No changes.\n' : `${sql}\n`);
    return 0;
  }
  if (empty && !flags.has('--empty')) {
    process.stdout.write('No schema changes; nothing written (pass --empty for a hand-written migration).\n');
    return 0;
  }

  const dirName = `${timestamp()}_${name}`;
  const dir = path.join(migrationsDir, dirName);
  await mkdir(dir, { recursive: false }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    await mkdir(migrationsDir, { recursive: true });
    await mkdir(dir);
  });
  const body = empty ? '-- This is an empty migration.\n' : sql.endsWith('\n') ? sql : `${sql}\n`;
  await writeFile(path.join(dir, 'migration.sql'), body, { flag: 'wx' });
  const lockPath = path.join(migrationsDir, LOCKFILE_NAME);
  if (!(await access(lockPath).then(() => true, () => false))) await writeFile(lockPath, LOCKFILE_CONTENT);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`migration:diff failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
