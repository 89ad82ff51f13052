import { decideSimpleMajority, tallyVotes } from '../domain/tally.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import type { Db, Tx } from '../store/prisma.ts';
import { draftsForVillage } from './outbox.ts';
import type { Templates } from './templates.ts';
import type { Transact } from './unit-of-work.ts';

type Tally = ReturnType<typeof tallyVotes>;
export interface MotionResult {
  tally: Tally;
  outcome: 'passed' | 'failed';
  rule: string;
  reason: string;
}

const OUTCOME_LABEL = { passed: '通过', failed: '未通过' } as const;

function decide(tally: Tally): MotionResult {
  const outcome = decideSimpleMajority(tally);
  const rule = '同意票超过参加表决人数的一半即通过';
  const reason =
    outcome === 'passed'
      ? `同意 ${tally.yes} 票，超过参加表决 ${tally.total} 人的一半。`
      : `同意 ${tally.yes} 票，未超过参加表决 ${tally.total} 人的一半。`;
  return { tally, outcome, rule, reason };
}

async function currentTally(db: Db | Tx, motionId: string): Promise<Tally> {
  const votes = await db.vote.findMany({ where: { motionId }, select: { choice: true } });
  return tallyVotes(votes.map((v) => v.choice));
}

export function createMotionService({ db, transact, templates }: { db: Db; transact: Transact; templates: Templates }) {
  async function find(motionId: string) {
    const motion = await db.motion.findUnique({ where: { id: motionId } });
    if (!motion) throw new NotFound(`Motion ${motionId} not found`);
    return motion;
  }

  function present(motion: Awaited<ReturnType<typeof find>>, tally: Tally) {
    const result = motion.result as unknown as MotionResult | null;
    return {
      id: motion.id,
      meetingId: motion.meetingId,
      villageId: motion.villageId,
      number: motion.number,
      title: motion.title,
      text: motion.text,
      decidingBody: motion.decidingBody,
      status: motion.status,
      opensAt: motion.opensAt,
      closesAt: motion.closesAt,
      closedAt: motion.closedAt,
      tally,
      outcome: result?.outcome ?? null,
      rule: result?.rule ?? null,
      reason: result?.reason ?? null,
    };
  }

  return {
    find,

    async get(motionId: string) {
      const motion = await find(motionId);
      const result = motion.result as unknown as MotionResult | null;
      return present(motion, result?.tally ?? (await currentTally(db, motionId)));
    },

    /** Freezes the tally, posts the result and logs it; closing a closed motion returns the frozen result. */
    async close(motionId: string, actor: string) {
      const motion = await find(motionId);
      if (motion.status === 'draft') throw new Conflict('This motion has not been opened for votes yet (post the agenda first)');
      const closed = await transact(async ({ tx, log, send, now }) => {
        const claimed = await tx.motion.updateMany({ where: { id: motionId, status: 'open' }, data: { status: 'closed', closedAt: now } });
        if (claimed.count === 0) return null;
        const result = decide(await currentTally(tx, motionId));
        const updated = await tx.motion.update({ where: { id: motionId }, data: { result: result as object } });
        const open = await tx.motion.count({ where: { meetingId: motion.meetingId, status: { not: 'closed' } } });
        if (open === 0) await tx.meeting.update({ where: { id: motion.meetingId }, data: { status: 'closed' } });
        const message = await templates.render('result', {
          motion: { number: motion.number, title: motion.title },
          tally: result.tally,
          outcome: OUTCOME_LABEL[result.outcome],
          reason: `${result.rule}。${result.reason}`,
        });
        await send(await draftsForVillage(tx, motion.villageId, { key: `result-${motionId}`, type: 'result', meetingId: motion.meetingId }, message));
        await log({ villageId: motion.villageId, type: 'motion.closed', actor, payload: { motionId, meetingId: motion.meetingId, number: motion.number, ...result } });
        return updated;
      });
      const final = closed ?? (await find(motionId));
      return present(final, (final.result as unknown as MotionResult).tally);
    },
  };
}

export type MotionService = ReturnType<typeof createMotionService>;
