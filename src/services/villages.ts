import { nextMeetings, type MeetingRule } from '../domain/schedule.ts';
import { describeRule } from '../domain/schedule.ts';
import { generateToken, hashToken, type TokenRole } from '../http/auth.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import type { Db } from '../store/prisma.ts';
import type { Clock } from './clock.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import type { Transact } from './unit-of-work.ts';

export interface NewVillage {
  name: string;
  code: string;
  meetingRule: MeetingRule;
  timezone: string;
  agendaLeadMinutes?: number;
  voteWindowMinutes?: number;
}

export function createVillageService({ db, transact, clock }: { db: Db; transact: Transact; clock: Clock }) {
  function present(v: { id: string; name: string; code: string; timezone: string; meetingRule: unknown; agendaLeadMinutes: number; voteWindowMinutes: number; createdAt: Date }) {
    const rule = v.meetingRule as MeetingRule;
    const [nextMeeting] = nextMeetings(rule, v.timezone, clock.now(), 1);
    return { ...v, meetingRuleText: describeRule(rule), nextMeetingAt: nextMeeting?.toISOString() ?? null };
  }

  return {
    async create(input: NewVillage, actor: string) {
      try {
        const village = await transact(async ({ tx, log }) => {
          const created = await tx.village.create({ data: { ...input, meetingRule: input.meetingRule as object } });
          log({ villageId: created.id, type: 'village.created', actor, payload: { name: input.name, code: input.code, meetingRule: input.meetingRule, timezone: input.timezone } });
          return created;
        });
        return present(village);
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`body.code: a village with code ${input.code} already exists`);
        throw err;
      }
    },

    async get(villageId: string) {
      const village = await db.village.findUnique({ where: { id: villageId } });
      if (!village) throw new NotFound(`Village ${villageId} not found`);
      return present(village);
    },

    async issueToken(villageId: string, role: Exclude<TokenRole, 'admin'>, label: string | undefined) {
      await this.get(villageId);
      const token = generateToken();
      const row = await db.apiToken.create({ data: { tokenHash: hashToken(token), role, villageId, label } });
      return { id: row.id, token, role, villageId };
    },

    /** The first admin token: taken from ADMIN_TOKEN when given, else generated (the caller prints it once). */
    async ensureAdminToken(configured: string | undefined): Promise<string | null> {
      if (configured) {
        await db.apiToken.upsert({ where: { tokenHash: hashToken(configured) }, create: { tokenHash: hashToken(configured), role: 'admin', label: 'ADMIN_TOKEN' }, update: {} });
        return null;
      }
      if ((await db.apiToken.count({ where: { role: 'admin', revokedAt: null } })) > 0) return null;
      const token = generateToken();
      await db.apiToken.create({ data: { tokenHash: hashToken(token), role: 'admin', label: 'generated at first start' } });
      return token;
    },
  };
}

export type VillageService = ReturnType<typeof createVillageService>;
