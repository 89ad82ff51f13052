import { checkVoter } from '../domain/counting.ts';
import { CHOICE_LABEL, isVotable, type Choice, type InboundContext, type OpenMotion, type SenderMember } from './chat-context.ts';
import { loadRoster, motionSpecOf } from './roster.ts';

export type VoteResult = { motionNumber: number | null; status: 'cast' | 'changed' | 'unchanged' | 'refused'; reason?: string };

/** Records or changes one vote of a registered member, or refuses it with a reply that says why. */
export async function castVote(ic: InboundContext, member: SenderMember, motions: OpenMotion[], motionNumber: number | null, choice: Choice): Promise<VoteResult> {
  const { work, msg, reply } = ic;
  const open = motions.filter((m) => isVotable(m, work.now));
  const refuse = async (reason: string, template: string, vars: Record<string, unknown>) => {
    await reply(template, { name: member.name, ...vars });
    return { motionNumber, status: 'refused' as const, reason };
  };
  let motion: OpenMotion | undefined;
  if (motionNumber === null) {
    if (open.length === 0) return refuse('no_open_motion', 'no-open-motion', {});
    if (open.length > 1) return refuse('which_motion', 'which-motion', { motions: open, choice: CHOICE_LABEL[choice] });
    motion = open[0];
  } else {
    motion = motions.find((m) => m.number === motionNumber);
    if (!motion) return refuse('no_such_motion', 'no-such-motion', { number: motionNumber, motions: open });
    if (!open.includes(motion)) return refuse('closed', 'motion-closed', { motion });
  }

  // The sender's own roster row decides eligibility; only the household route needs the rest of the household.
  const household = motion.householdRoute ? await loadRoster(work.tx, { villageId: msg.villageId, householdId: member.householdId }) : [member];
  const householdVotes = motion.householdRoute
    ? await work.tx.vote.findMany({ where: { motionId: motion.id, memberId: { in: household.map((h) => h.id) } }, orderBy: { createdAt: 'asc' }, select: { memberId: true } })
    : [];
  const eligibility = checkVoter(motionSpecOf(motion), household, member.id, householdVotes);
  if (!eligibility.ok) {
    if (eligibility.reason === 'household_already_voted') {
      const by = await work.tx.member.findUnique({ where: { id: eligibility.byMemberId ?? '' }, select: { name: true } });
      return refuse('household_already_voted', 'household-already-voted', { motion, by: by?.name ?? '本户其他成员' });
    }
    return refuse('not_eligible', 'not-eligible', { motion });
  }

  const key = { motionId_memberId: { motionId: motion.id, memberId: member.id } };
  const existing = await work.tx.vote.findUnique({ where: key });
  if (existing?.choice === choice) {
    await reply('vote-unchanged', { name: member.name, motion, choice: CHOICE_LABEL[choice] });
    return { motionNumber: motion.number, status: 'unchanged' };
  }
  await work.tx.vote.upsert({ where: key, create: { motionId: motion.id, memberId: member.id, choice, createdAt: work.now, updatedAt: work.now }, update: { choice, updatedAt: work.now } });
  work.log({
    villageId: msg.villageId,
    type: existing ? 'vote.changed' : 'vote.cast',
    actor: `member:${member.id}`,
    payload: { motionId: motion.id, motionNumber: motion.number, memberId: member.id, memberName: member.name, choice, previousChoice: existing?.choice ?? null, platform: msg.platform, inboundMessageId: ic.inboundId, text: msg.text, matched: ic.matched },
  });
  await reply('vote-recorded', { name: member.name, motion, choice: CHOICE_LABEL[choice], previous: existing ? CHOICE_LABEL[existing.choice] : null });
  return { motionNumber: motion.number, status: existing ? 'changed' : 'cast' };
}
