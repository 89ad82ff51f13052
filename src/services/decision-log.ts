import { GENESIS_HASH, hashEntry } from '../domain/decision-log.ts';
import type { Tx } from '../store/prisma.ts';
import type { Clock } from './clock.ts';

export interface LogEvent {
  villageId: string;
  type: string;
  actor: string;
  payload: Record<string, unknown>;
}

export interface LogEntry extends LogEvent {
  seq: number;
  createdAt: Date;
  prevHash: string;
  hash: string;
}

/**
 * Appends one entry to the village's chain inside the caller's transaction. The advisory lock serialises
 * appenders of one village until commit, so concurrent writers can neither fork the chain nor leave a gap.
 */
export async function appendLogEntry(tx: Tx, event: LogEvent, clock: Clock): Promise<LogEntry> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${event.villageId}, 0))`;
  const head = await tx.decisionLogEntry.findFirst({
    where: { villageId: event.villageId },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  });
  const fields = {
    seq: (head?.seq ?? 0) + 1,
    villageId: event.villageId,
    type: event.type,
    actor: event.actor,
    // A JSON round trip drops undefined members so the stored jsonb hashes the same as what we hash here.
    payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>,
    // Read under the lock, so createdAt never decreases along a village's chain.
    createdAt: clock.now(),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = hashEntry(fields);
  await tx.decisionLogEntry.create({ data: { ...fields, payload: fields.payload as object, hash } });
  return { ...fields, hash };
}

export function serializeLogEntry(entry: LogEntry) {
  return {
    seq: entry.seq,
    villageId: entry.villageId,
    type: entry.type,
    actor: entry.actor,
    payload: entry.payload,
    createdAt: entry.createdAt.toISOString(),
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
