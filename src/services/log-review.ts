import { verifyChain } from '../domain/decision-log.ts';
import type { Db } from '../store/prisma.ts';
import { serializeLogEntry } from './decision-log.ts';

const VERIFY_BATCH = 5_000;

/** Read side of the decision log for the supervisory committee: pages of entries and a full re-verification. */
export function createLogReviewService({ db }: { db: Db }) {
  return {
    async list(villageId: string, after: number, limit: number) {
      const rows = await db.decisionLogEntry.findMany({ where: { villageId, seq: { gt: after } }, orderBy: { seq: 'asc' }, take: limit });
      return rows.map((r) => serializeLogEntry({ ...r, payload: r.payload as Record<string, unknown> }));
    },

    /** Recomputes the whole chain in batches, so a long log never sits in memory at once. */
    async verify(villageId: string) {
      let count = 0;
      let prev: { seq: number; hash: string } | null = null;
      for (;;) {
        const batch: Awaited<ReturnType<Db['decisionLogEntry']['findMany']>> = await db.decisionLogEntry.findMany({ where: { villageId, seq: { gt: prev?.seq ?? 0 } }, orderBy: { seq: 'asc' }, take: VERIFY_BATCH });
        if (batch.length === 0) break;
        const result = verifyChain(batch, prev ?? undefined);
        if (!result.ok) return { ok: false as const, badSeq: result.badSeq };
        count += batch.length;
        prev = { seq: batch[batch.length - 1].seq, hash: result.headHash };
        if (batch.length < VERIFY_BATCH) break;
      }
      return prev ? { ok: true as const, count, headHash: prev.hash } : { ok: true as const, count: 0, headHash: '0'.repeat(64) };
    },
  };
}

export type LogReviewService = ReturnType<typeof createLogReviewService>;
