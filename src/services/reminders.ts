import { eligibleVoters } from '../domain/counting.ts';
import { formatDateTimeZh, formatMonthZh, normalizeMobile } from '../domain/format.ts';
import type { Db } from '../store/prisma.ts';
import { draftsForVillage } from './outbox.ts';
import { loadRoster, motionSpecOf } from './roster.ts';
import type { Templates } from './templates.ts';
import type { Transact } from './unit-of-work.ts';

/**
 * The one reminder per meeting before its votes close: how many have voted on each open motion, and an @ (by
 * phone, where the platform supports it) of the eligible members who have not voted on all of them yet.
 */
export function createReminderService({ db, transact, templates }: { db: Db; transact: Transact; templates: Templates }) {
  return {
    async send(meetingId: string, actor: string) {
      const meeting = await db.meeting.findUnique({ where: { id: meetingId }, include: { village: true } });
      if (!meeting) return { sent: false as const };
      return transact(async ({ tx, log, send, now }) => {
        const claimed = await tx.meeting.updateMany({ where: { id: meetingId, reminderSentAt: null }, data: { reminderSentAt: now } });
        if (claimed.count === 0) return { sent: false as const };
        const motions = await tx.motion.findMany({ where: { meetingId, status: 'open', closesAt: { gt: now } }, orderBy: { number: 'asc' } });
        if (motions.length === 0) return { sent: false as const };
        const [roster, votes] = await Promise.all([
          loadRoster(tx, { villageId: meeting.villageId }),
          tx.vote.findMany({ where: { motionId: { in: motions.map((m) => m.id) } }, select: { motionId: true, memberId: true } }),
        ]);
        const pendingIds = new Set<string>();
        const rows = motions.map((m) => {
          const voted = new Set(votes.filter((v) => v.motionId === m.id).map((v) => v.memberId));
          const pending = eligibleVoters(motionSpecOf(m), roster).filter((member) => !voted.has(member.id));
          for (const member of pending) pendingIds.add(member.id);
          return { number: m.number, title: m.title, voted: voted.size, pending: pending.length };
        });
        const phones = await tx.member.findMany({ where: { id: { in: [...pendingIds] }, phone: { not: null } }, select: { phone: true } });
        const firstClose = motions.reduce((min, m) => (m.closesAt! < min ? m.closesAt! : min), motions[0].closesAt!);
        const message = await templates.render('reminder', {
          village: { name: meeting.village.name },
          meeting: { month: formatMonthZh(meeting.scheduledAt, meeting.village.timezone) },
          motions: rows,
          closesAt: formatDateTimeZh(firstClose, meeting.village.timezone),
        });
        const mentionMobiles = phones.map((p) => normalizeMobile(p.phone!));
        await send(await draftsForVillage(tx, meeting.villageId, { key: `reminder-${meetingId}`, type: 'reminder', meetingId }, message, { mentionMobiles }));
        // Phone numbers stay out of the log: it records how many were reminded, not who by number.
        log({ villageId: meeting.villageId, type: 'reminder.posted', actor, payload: { meetingId, motions: rows, reminded: pendingIds.size, mentioned: mentionMobiles.length } });
        return { sent: true as const, reminded: pendingIds.size };
      });
    },
  };
}
