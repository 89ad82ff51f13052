import type { $Enums } from '../generated/prisma/client.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import type { Db, Tx } from '../store/prisma.ts';
import type { Transact, WorkContext } from './unit-of-work.ts';

export interface AttendanceRecord {
  villageId: string;
  meetingId: string;
  member: { id: string; name: string };
  kind: $Enums.AttendanceKind;
  source: string;
  reason?: string | null;
}

/** Records 签到 or 请假 for a meeting (the latest word counts) and logs it; shared by chat and the secretary. */
export async function recordAttendance(ctx: Pick<WorkContext, 'tx' | 'log' | 'now'>, record: AttendanceRecord, actor: string): Promise<'recorded' | 'unchanged'> {
  const { tx } = ctx;
  const existing = await tx.attendance.findUnique({ where: { meetingId_memberId: { meetingId: record.meetingId, memberId: record.member.id } } });
  if (existing && existing.kind === record.kind && (existing.reason ?? null) === (record.reason ?? null)) return 'unchanged';
  const data = { kind: record.kind, source: record.source, reason: record.reason ?? null, createdAt: ctx.now };
  await tx.attendance.upsert({
    where: { meetingId_memberId: { meetingId: record.meetingId, memberId: record.member.id } },
    create: { meetingId: record.meetingId, memberId: record.member.id, ...data },
    update: data,
  });
  ctx.log({
    villageId: record.villageId,
    type: record.kind === 'checked_in' ? 'attendance.checked_in' : 'attendance.leave',
    actor,
    payload: { meetingId: record.meetingId, memberId: record.member.id, memberName: record.member.name, source: record.source, reason: record.reason ?? null },
  });
  return 'recorded';
}

export function createAttendanceService({ db, transact }: { db: Db; transact: Transact }) {
  return {
    /** The secretary marks a member present (or on leave) at a meeting. */
    async mark(meetingId: string, memberId: string, kind: $Enums.AttendanceKind, reason: string | undefined, actor: string) {
      const meeting = await db.meeting.findUnique({ where: { id: meetingId } });
      if (!meeting) throw new NotFound(`Meeting ${meetingId} not found`);
      if (meeting.status === 'closed') throw new Conflict('This meeting is closed; attendance can no longer change');
      const member = await db.member.findFirst({ where: { id: memberId, villageId: meeting.villageId }, select: { id: true, name: true } });
      if (!member) throw new NotFound(`Member ${memberId} not found in this village`);
      return transact((ctx) => recordAttendance(ctx, { villageId: meeting.villageId, meetingId, member, kind, source: 'secretary', reason }, actor));
    },

    async list(meetingId: string) {
      return db.attendance.findMany({ where: { meetingId }, orderBy: { createdAt: 'asc' }, include: { member: { select: { name: true, householdId: true } } } });
    },
  };
}

export async function checkedInMemberIds(tx: Db | Tx, meetingId: string): Promise<string[]> {
  const rows = await tx.attendance.findMany({ where: { meetingId, kind: 'checked_in' }, select: { memberId: true } });
  return rows.map((r) => r.memberId);
}

export type AttendanceService = ReturnType<typeof createAttendanceService>;
