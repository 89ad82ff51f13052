import { Conflict, NotFound } from '../http/errors.ts';
import type { $Enums } from '../generated/prisma/client.ts';
import type { Db } from '../store/prisma.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import type { Transact } from './unit-of-work.ts';

export interface NewMember {
  name: string;
  householdId: string;
  isAdult: boolean;
  roles: $Enums.MemberRole[];
}

export function createMemberService({ db, transact }: { db: Db; transact: Transact }) {
  return {
    async create(villageId: string, input: NewMember, actor: string) {
      if (!(await db.village.findUnique({ where: { id: villageId }, select: { id: true } }))) throw new NotFound(`Village ${villageId} not found`);
      return transact(async ({ tx, log }) => {
        const member = await tx.member.create({ data: { villageId, ...input } });
        await log({ villageId, type: 'member.registered', actor, payload: { memberId: member.id, name: input.name, householdId: input.householdId, isAdult: input.isAdult, roles: input.roles } });
        return member;
      });
    },

    async list(villageId: string) {
      return db.member.findMany({ where: { villageId }, orderBy: { createdAt: 'asc' }, include: { identities: { select: { id: true, platform: true, externalId: true } } } });
    },

    async bindIdentity(villageId: string, memberId: string, platform: $Enums.ChatPlatform, externalId: string, actor: string) {
      const member = await db.member.findFirst({ where: { id: memberId, villageId } });
      if (!member) throw new NotFound(`Member ${memberId} not found in this village`);
      try {
        return await transact(async ({ tx, log }) => {
          const identity = await tx.chatIdentity.create({ data: { villageId, memberId, platform, externalId } });
          await log({ villageId, type: 'identity.bound', actor, payload: { memberId, name: member.name, platform, externalId } });
          return identity;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`body.externalId: ${platform} account ${externalId} is already bound in this village`);
        throw err;
      }
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
