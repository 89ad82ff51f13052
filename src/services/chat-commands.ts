import { maskPhone } from '../domain/format.ts';
import { recordAttendance } from './attendance.ts';
import { CHOICE_LABEL, isVotable, type InboundContext, type OpenMotion, type SenderMember } from './chat-context.ts';
import { hashBindingCode } from './members.ts';

const BIND_FAILURE_LIMIT = 5;
const BIND_WINDOW_MS = 3_600_000;

/** A comment on the current meeting (on one motion when the text named it). */
export async function addComment(ic: InboundContext, member: SenderMember, motions: OpenMotion[], text: string, motionId: string | null) {
  const meetingId = motions[0]?.meetingId ?? null;
  if (!meetingId) {
    await ic.reply('comment-no-meeting', { name: member.name });
    return { kind: 'comment' as const, commentId: null };
  }
  const comment = await ic.work.tx.comment.create({ data: { meetingId, motionId, memberId: member.id, text, createdAt: ic.work.now } });
  ic.work.log({
    villageId: ic.msg.villageId,
    type: 'comment.added',
    actor: `member:${member.id}`,
    payload: { commentId: comment.id, meetingId, motionId, memberId: member.id, memberName: member.name, text, platform: ic.msg.platform, inboundMessageId: ic.inboundId },
  });
  await ic.reply('comment-recorded', { name: member.name });
  return { kind: 'comment' as const, commentId: comment.id };
}

/** 签到 or 请假 for the meeting in progress. */
export async function attend(ic: InboundContext, member: SenderMember, motions: OpenMotion[], kind: 'checked_in' | 'on_leave', reason: string | null) {
  const meetingId = motions[0]?.meetingId;
  if (!meetingId || !motions.some((m) => isVotable(m, ic.work.now))) {
    await ic.reply('no-meeting-now', { name: member.name });
    return { kind, status: 'refused' as const };
  }
  const status = await recordAttendance(ic.work, { villageId: ic.msg.villageId, meetingId, member, kind, source: 'chat', reason }, `member:${member.id}`);
  await ic.reply(kind === 'checked_in' ? 'checked-in' : 'leave-recorded', { name: member.name, reason });
  return { kind, status };
}

/** "查询" / "结果": where each motion of the current meeting stands. */
export async function query(ic: InboundContext, member: SenderMember | null, motions: OpenMotion[]) {
  const counts = await ic.work.tx.vote.groupBy({ by: ['motionId', 'choice'], where: { motionId: { in: motions.map((m) => m.id) } }, _count: { _all: true } });
  const closed = await ic.work.tx.motion.findMany({ where: { id: { in: motions.map((m) => m.id) }, status: 'closed' }, select: { id: true, result: true } });
  const rows = motions.map((m) => {
    const of = (choice: keyof typeof CHOICE_LABEL) => counts.find((c) => c.motionId === m.id && c.choice === choice)?._count._all ?? 0;
    const result = closed.find((c) => c.id === m.id)?.result as { outcome?: string } | undefined;
    return { number: m.number, title: m.title, open: isVotable(m, ic.work.now), outcome: result?.outcome ?? null, yes: of('yes'), no: of('no'), abstain: of('abstain'), closesAt: m.closesAt };
  });
  await ic.reply('status', { name: member?.name ?? null, motions: rows });
  return { kind: 'query' as const };
}

/** "绑定 123456": binds the sender's chat account to the member the code was issued for. */
export async function bind(ic: InboundContext, code: string) {
  const { work, msg } = ic;
  const since = new Date(work.now.getTime() - BIND_WINDOW_MS);
  const failures = await work.tx.bindingFailure.count({ where: { villageId: msg.villageId, platform: msg.platform, senderId: msg.senderId, createdAt: { gt: since } } });
  if (failures >= BIND_FAILURE_LIMIT) {
    await ic.reply('bind-cooldown', {});
    return { kind: 'bind' as const, status: 'cooldown' as const };
  }
  const bound = await work.tx.chatIdentity.findUnique({
    where: { villageId_platform_externalId: { villageId: msg.villageId, platform: msg.platform, externalId: msg.senderId } },
    include: { member: { select: { name: true } } },
  });
  if (bound) {
    await ic.reply('bind-already', { name: bound.member.name });
    return { kind: 'bind' as const, status: 'already_bound' as const };
  }
  const row = await work.tx.bindingCode.findUnique({ where: { codeHash: hashBindingCode(msg.villageId, code) }, include: { member: true } });
  if (!row || row.villageId !== msg.villageId || row.usedAt || row.expiresAt <= work.now) {
    await work.tx.bindingFailure.create({ data: { villageId: msg.villageId, platform: msg.platform, senderId: msg.senderId, createdAt: work.now } });
    await ic.reply('bind-failed', { expired: Boolean(row && !row.usedAt && row.expiresAt <= work.now), left: BIND_FAILURE_LIMIT - failures - 1 });
    return { kind: 'bind' as const, status: 'failed' as const };
  }
  // Single use: the conditional update makes a second redemption of the same code find nothing to claim.
  const claimed = await work.tx.bindingCode.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: work.now } });
  if (claimed.count === 0) {
    await ic.reply('bind-failed', { expired: false, left: BIND_FAILURE_LIMIT - failures - 1 });
    return { kind: 'bind' as const, status: 'failed' as const };
  }
  await work.tx.chatIdentity.create({ data: { villageId: msg.villageId, memberId: row.memberId, platform: msg.platform, externalId: msg.senderId, createdAt: work.now } });
  work.log({
    villageId: msg.villageId,
    type: 'identity.bound',
    actor: `member:${row.memberId}`,
    payload: { memberId: row.memberId, name: row.member.name, platform: msg.platform, externalId: msg.senderId, via: 'binding_code', inboundMessageId: ic.inboundId },
  });
  await ic.reply('bind-ok', { name: row.member.name, phone: row.member.phone ? maskPhone(row.member.phone) : null });
  return { kind: 'bind' as const, status: 'bound' as const };
}
