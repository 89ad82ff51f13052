import type { FastifyBaseLogger } from 'fastify';
import type { Queues } from '../jobs/queues.ts';
import { TX_OPTIONS, type Db, type Tx } from '../store/prisma.ts';
import type { Clock } from './clock.ts';
import { appendLogEntry, type LogEntry, type LogEvent } from './decision-log.ts';
import type { LogFeed } from './log-feed.ts';

export interface OutboundDraft {
  /** Deterministic: the same cause for the same channel always gives the same id (and BullMQ job id). */
  id: string;
  villageId: string;
  channelId: string;
  meetingId?: string | null;
  type: string;
  text: string;
  markdown: string;
  /** the platform bodies, rendered when the row is written so delivery only signs and sends */
  parts: unknown[];
  replyViaEnc?: string | null;
}

export interface WorkContext {
  tx: Tx;
  now: Date;
  /** Queues a decision-log entry; entries are appended at the end of the transaction (see createTransact). */
  log(event: LogEvent): void;
  /** Writes outbox rows; rows that already exist (same id) are left alone, so a cause posts once. */
  send(drafts: OutboundDraft[]): Promise<void>;
}

export type Transact = <T>(work: (ctx: WorkContext) => Promise<T>) => Promise<T>;

/**
 * Runs a state change, its decision-log entries and its outbox rows in one database transaction; only after
 * commit are entries published and deliveries enqueued. A lost enqueue is recovered by the outbox sweeper.
 */
export function createTransact(deps: { db: Db; clock: Clock; queues: Queues; feed: LogFeed; logger: FastifyBaseLogger }): Transact {
  return async (work) => {
    const logged: LogEntry[] = [];
    const outboxIds: string[] = [];
    const result = await deps.db.$transaction(async (tx) => {
      const now = deps.clock.now();
      const pending: LogEvent[] = [];
      const value = await work({
        tx,
        now,
        log(event) {
          pending.push(event);
        },
        async send(drafts) {
          if (drafts.length === 0) return;
          const created = await tx.outboundMessage.createManyAndReturn({
            data: drafts.map((d) => ({ ...d, parts: d.parts as object[], meetingId: d.meetingId ?? null, createdAt: now })),
            skipDuplicates: true,
            select: { id: true },
          });
          outboxIds.push(...created.map((c) => c.id));
        },
      });
      // Appending last keeps the per-village log lock for the shortest time: from here to commit.
      for (const event of pending) logged.push(await appendLogEntry(tx, event, deps.clock));
      return value;
    }, TX_OPTIONS);
    try {
      await deps.feed.publish(logged);
      for (const id of outboxIds) await deps.queues.enqueueDelivery(id);
    } catch (err) {
      deps.logger.warn({ err }, 'post-commit publish/enqueue failed; the outbox sweeper will retry deliveries');
    }
    return result;
  };
}
