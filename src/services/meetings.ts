import { decidingBodyLabel } from '../domain/deciding-body.ts';
import { formatDateTimeZh, formatMonthZh } from '../domain/format.ts';
import { validateMotion } from '../domain/counting.ts';
import type { SubjectKind } from '../domain/voting-rules.ts';
import { Conflict, NotFound, Validation } from '../http/errors.ts';
import type { Db } from '../store/prisma.ts';
import { publishApproved } from './finance/disclosures.ts';
import { draftsForVillage } from './outbox.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import type { Templates } from './templates.ts';
import type { Transact } from './unit-of-work.ts';

export interface NewMotion {
  title: string;
  text: string;
  decidingBody: string;
  subjectKind?: SubjectKind;
  householdRoute?: boolean;
  groupName?: string;
  closesAt?: Date;
}

/** Refuses a motion the chosen body cannot lawfully decide, before anyone votes on it. */
function checkMotionRule(input: NewMotion): void {
  const found = validateMotion({ decidingBody: input.decidingBody, subjectKind: input.subjectKind ?? 'general', householdRoute: input.householdRoute ?? false, groupName: input.groupName ?? null });
  if (!found.ok) throw new Validation(`body.subjectKind: ${found.reason}`);
}

export function createMeetingService({ db, transact, templates }: { db: Db; transact: Transact; templates: Templates }) {
  async function findMeeting(meetingId: string) {
    const meeting = await db.meeting.findUnique({ where: { id: meetingId }, include: { village: true } });
    if (!meeting) throw new NotFound(`Meeting ${meetingId} not found`);
    return meeting;
  }

  return {
    findMeeting,

    async list(villageId: string) {
      return db.meeting.findMany({
        where: { villageId },
        orderBy: { scheduledAt: 'desc' },
        take: 100,
        include: { motions: { orderBy: { number: 'asc' }, select: { id: true, number: true, title: true, status: true, decidingBody: true, closesAt: true } } },
      });
    },

    /** Creates the meeting unless one exists at that instant; returns null when it already did. */
    async schedule(villageId: string, scheduledAt: Date, actor: string) {
      if (!(await db.village.findUnique({ where: { id: villageId }, select: { id: true } }))) throw new NotFound(`Village ${villageId} not found`);
      return transact(async ({ tx, log }) => {
        const [meeting] = await tx.meeting.createManyAndReturn({ data: [{ villageId, scheduledAt }], skipDuplicates: true });
        if (!meeting) return null;
        log({ villageId, type: 'meeting.scheduled', actor, payload: { meetingId: meeting.id, scheduledAt: scheduledAt.toISOString() } });
        return meeting;
      });
    },

    async addMotion(meetingId: string, input: NewMotion, actor: string) {
      checkMotionRule(input);
      const meeting = await findMeeting(meetingId);
      try {
        return await transact(async ({ tx, log }) => {
          // Row lock on the meeting: motion numbers are 1, 2, 3 … without races, and not after the agenda went out.
          const [locked] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "Meeting" WHERE id = ${meetingId}::uuid FOR UPDATE`;
          if (locked.status !== 'scheduled') throw new Conflict('议程已经发布，不能再增加议题（The agenda of this meeting has already been posted）');
          const last = await tx.motion.findFirst({ where: { meetingId }, orderBy: { number: 'desc' }, select: { number: true } });
          const motion = await tx.motion.create({
            data: {
              meetingId, villageId: meeting.villageId, number: (last?.number ?? 0) + 1, title: input.title, text: input.text, decidingBody: input.decidingBody,
              subjectKind: input.subjectKind ?? 'general', householdRoute: input.householdRoute ?? false, groupName: input.groupName ?? null, closesAt: input.closesAt ?? null,
            },
          });
          log({ villageId: meeting.villageId, type: 'motion.created', actor, payload: { motionId: motion.id, meetingId, number: motion.number, title: motion.title, text: motion.text, decidingBody: motion.decidingBody, subjectKind: motion.subjectKind, householdRoute: motion.householdRoute, groupName: motion.groupName } });
          return motion;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict('Another motion was added at the same moment; please retry');
        throw err;
      }
    },

    /** Posts the agenda to every channel and opens its motions for votes; a second call changes nothing. */
    async postAgenda(meetingId: string, actor: string) {
      const meeting = await findMeeting(meetingId);
      const { village } = meeting;
      return transact(async ({ tx, log, send, now }) => {
        const claimed = await tx.meeting.updateMany({ where: { id: meetingId, status: 'scheduled' }, data: { status: 'agenda_posted', agendaPostedAt: now } });
        if (claimed.count === 0) return { posted: false as const, deliveries: [] as string[] };
        const defaultClose = new Date(meeting.scheduledAt.getTime() + village.voteWindowMinutes * 60_000);
        await tx.motion.updateMany({ where: { meetingId, status: 'draft', closesAt: null }, data: { closesAt: defaultClose } });
        await tx.motion.updateMany({ where: { meetingId, status: 'draft' }, data: { status: 'open', opensAt: now } });
        const motions = await tx.motion.findMany({ where: { meetingId }, orderBy: { number: 'asc' } });
        const latestClose = motions.reduce((max, m) => (m.closesAt && m.closesAt > max ? m.closesAt : max), defaultClose);
        const message = await templates.render('agenda', {
          village: { name: village.name },
          meeting: { month: formatMonthZh(meeting.scheduledAt, village.timezone), when: formatDateTimeZh(meeting.scheduledAt, village.timezone) },
          motions: motions.map((m) => ({ number: m.number, title: m.title, text: m.text, body: decidingBodyLabel(m.decidingBody) })),
          closesAt: formatDateTimeZh(latestClose, village.timezone),
        });
        const drafts = await draftsForVillage(tx, village.id, { key: `agenda-${meetingId}`, type: 'agenda', meetingId }, message);
        await send(drafts);
        log({
          villageId: village.id,
          type: 'agenda.posted',
          actor,
          payload: { meetingId, motions: motions.map((m) => ({ motionId: m.id, number: m.number, closesAt: m.closesAt?.toISOString() ?? null })), channels: drafts.map((d) => d.channelId) },
        });
        // The month's approved finance disclosures go out with the agenda on the fixed day (晾晒财务).
        await publishApproved({ tx, log, send, now }, village.id, actor);
        return { posted: true as const, deliveries: drafts.map((d) => d.id) };
      });
    },
  };
}

export type MeetingService = ReturnType<typeof createMeetingService>;
