import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface DbOptions {
  databaseUrl: string;
  /** PostgreSQL schema to use (tests give each suite its own); default "public". */
  schema?: string;
  poolSize?: number;
}

export function createPrisma({ databaseUrl, schema, poolSize = 10 }: DbOptions): PrismaClient {
  // search_path makes our raw SQL (advisory locks, log head) land in the same schema as Prisma's queries.
  const options = schema ? `-c search_path="${schema}"` : undefined;
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize, options }, schema ? { schema } : undefined);
  return new PrismaClient({ adapter });
}

/** Interactive transactions wait for the per-village log lock under load, so allow more than Prisma's 2 s / 5 s. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;
