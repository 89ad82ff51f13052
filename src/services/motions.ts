import { countMotion, type MotionCount } from '../domain/counting.ts';
import { tallyVotes } from '../domain/tally.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import type { Db, Tx } from '../store/prisma.ts';
import { checkedInMemberIds } from './attendance.ts';
import { draftsForVillage } from './outbox.ts';
import { loadRoster, motionSpecOf } from './roster.ts';
import type { Templates } from './templates.ts';
import type { Transact } from './unit-of-work.ts';

type Tally = ReturnType<typeof tallyVotes>;

/** What closing froze: the count by the law's rule for the motion's body and subject, and the raw tally. */
export type MotionResult = MotionCount & { tally: Tally };

const OUTCOME_LABEL = { passed: '通过', failed: '未通过', advisory: '仅作征求意见（未达到法定到会人数）' } as const;

async function currentTally(db: Db | Tx, motionId: string): Promise<Tally> {
  const votes = await db.vote.findMany({ where: { motionId }, select: { choice: true } });
  return tallyVotes(votes.map((v) => v.choice));
}

async function countNow(tx: Tx, motion: { id: string; villageId: string; meetingId: string; decidingBody: string; subjectKind: string; householdRoute: boolean; groupName: string | null }): Promise<MotionResult> {
  const [roster, votes, checkIns, proxies] = await Promise.all([
    loadRoster(tx, { villageId: motion.villageId }),
    tx.vote.findMany({ where: { motionId: motion.id }, orderBy: { createdAt: 'asc' }, select: { memberId: true, choice: true } }),
    checkedInMemberIds(tx, motion.meetingId),
    tx.proxy.findMany({ where: { motionId: motion.id }, select: { grantorId: true, holderId: true } }),
  ]);
  const count = countMotion({ motion: motionSpecOf(motion), roster, votes, checkIns, proxies });
  return { ...count, tally: tallyVotes(votes.map((v) => v.choice)) };
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
      subjectKind: motion.subjectKind,
      householdRoute: motion.householdRoute,
      groupName: motion.groupName,
      status: motion.status,
      opensAt: motion.opensAt,
      closesAt: motion.closesAt,
      closedAt: motion.closedAt,
      tally,
      outcome: result?.outcome ?? null,
      rule: result?.rule ?? null,
      numbers: result?.numbers ?? null,
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
        const result = await countNow(tx, motion);
        const updated = await tx.motion.update({ where: { id: motionId }, data: { result: result as object } });
        const open = await tx.motion.count({ where: { meetingId: motion.meetingId, status: { not: 'closed' } } });
        if (open === 0) await tx.meeting.update({ where: { id: motion.meetingId }, data: { status: 'closed' } });
        const message = await templates.render('result', {
          motion: { number: motion.number, title: motion.title },
          rule: result.rule,
          counted: result.numbers,
          outcome: OUTCOME_LABEL[result.outcome],
          reason: result.reason,
        });
        await send(await draftsForVillage(tx, motion.villageId, { key: `result-${motionId}`, type: 'result', meetingId: motion.meetingId }, message));
        log({ villageId: motion.villageId, type: 'motion.closed', actor, payload: { motionId, meetingId: motion.meetingId, number: motion.number, ...result } });
        return updated;
      });
      const final = closed ?? (await find(motionId));
      return present(final, (final.result as unknown as MotionResult).tally);
    },
  };
}

export type MotionService = ReturnType<typeof createMotionService>;
