import { createHash, randomInt } from 'node:crypto';
import { maskPhone } from '../domain/format.ts';
import type { $Enums } from '../generated/prisma/client.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import type { Db } from '../store/prisma.ts';
import type { Clock } from './clock.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import type { Transact } from './unit-of-work.ts';

export interface NewMember {
  name: string;
  householdId: string;
  isAdult: boolean;
  roles: $Enums.MemberRole[];
  groupName?: string;
  phone?: string;
}

export const BINDING_CODE_TTL_MS = 7 * 86_400_000;

/** Binding codes are stored hashed with their village, so a code is only good in the village that issued it. */
export const hashBindingCode = (villageId: string, code: string) => createHash('sha256').update(`${villageId}:${code}`).digest('hex');

export function createMemberService({ db, transact, clock }: { db: Db; transact: Transact; clock: Clock }) {
  async function findMember(villageId: string, memberId: string) {
    const member = await db.member.findFirst({ where: { id: memberId, villageId } });
    if (!member) throw new NotFound(`Member ${memberId} not found in this village`);
    return member;
  }

  return {
    async create(villageId: string, input: NewMember, actor: string) {
      if (!(await db.village.findUnique({ where: { id: villageId }, select: { id: true } }))) throw new NotFound(`Village ${villageId} not found`);
      return transact(async ({ tx, log }) => {
        const member = await tx.member.create({ data: { villageId, ...input } });
        // The log is read by the committee: it carries the masked phone only.
        log({
          villageId, type: 'member.registered', actor,
          payload: { memberId: member.id, name: input.name, householdId: input.householdId, isAdult: input.isAdult, roles: input.roles, groupName: input.groupName ?? null, phone: input.phone ? maskPhone(input.phone) : null },
        });
        return member;
      });
    },

    async list(villageId: string) {
      const members = await db.member.findMany({ where: { villageId }, orderBy: { createdAt: 'asc' }, include: { identities: { select: { id: true, platform: true, externalId: true } } } });
      return members.map(({ phone, ...m }) => ({ ...m, phone: phone ? maskPhone(phone) : null }));
    },

    async bindIdentity(villageId: string, memberId: string, platform: $Enums.ChatPlatform, externalId: string, actor: string) {
      const member = await findMember(villageId, memberId);
      try {
        return await transact(async ({ tx, log }) => {
          const identity = await tx.chatIdentity.create({ data: { villageId, memberId, platform, externalId } });
          log({ villageId, type: 'identity.bound', actor, payload: { memberId, name: member.name, platform, externalId, via: 'secretary' } });
          return identity;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`body.externalId: ${platform} account ${externalId} is already bound in this village`);
        throw err;
      }
    },

    async unbindIdentity(villageId: string, memberId: string, identityId: string, actor: string) {
      const member = await findMember(villageId, memberId);
      return transact(async ({ tx, log }) => {
        const identity = await tx.chatIdentity.findFirst({ where: { id: identityId, memberId, villageId } });
        if (!identity) throw new NotFound(`Chat account ${identityId} is not bound to this member`);
        await tx.chatIdentity.delete({ where: { id: identityId } });
        log({ villageId, type: 'identity.unbound', actor, payload: { memberId, name: member.name, platform: identity.platform, externalId: identity.externalId } });
      });
    },

    /** A six-digit, single-use code the villager sends as "绑定 123456"; only its hash is kept. */
    async issueBindingCode(villageId: string, memberId: string, actor: string) {
      const member = await findMember(villageId, memberId);
      const expiresAt = new Date(clock.now().getTime() + BINDING_CODE_TTL_MS);
      for (let attempt = 0; ; attempt++) {
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        try {
          await transact(async ({ tx, log }) => {
            await tx.bindingCode.create({ data: { villageId, memberId, codeHash: hashBindingCode(villageId, code), expiresAt } });
            log({ villageId, type: 'binding.code_issued', actor, payload: { memberId, name: member.name, expiresAt: expiresAt.toISOString() } });
          });
          return { code, expiresAt };
        } catch (err) {
          // A code this village used before: draw another.
          if (!isUniqueViolation(err) || attempt >= 10) throw err;
        }
      }
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
