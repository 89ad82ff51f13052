import { checkProxy } from '../domain/counting.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import type { Db } from '../store/prisma.ts';
import { loadRoster, motionSpecOf } from './roster.ts';
import type { Transact } from './unit-of-work.ts';

/** Written proxies, recorded by the secretary; the law accepts them for 成员大会 only. */
export function createProxyService({ db, transact }: { db: Db; transact: Transact }) {
  return {
    async record(motionId: string, grantorId: string, holderId: string, actor: string) {
      const motion = await db.motion.findUnique({ where: { id: motionId } });
      if (!motion) throw new NotFound(`Motion ${motionId} not found`);
      if (motion.status === 'closed') throw new Conflict('表决已经结束，不能再登记委托（The motion is closed）');
      return transact(async ({ tx, log }) => {
        const [roster, existing] = await Promise.all([loadRoster(tx, { villageId: motion.villageId }), tx.proxy.findMany({ where: { motionId }, select: { grantorId: true, holderId: true } })]);
        const check = checkProxy(motionSpecOf(motion), roster, grantorId, holderId, existing);
        if (!check.ok) throw new Conflict(check.reason);
        const proxy = await tx.proxy.create({ data: { motionId, grantorId, holderId, recordedBy: actor } });
        const names = await tx.member.findMany({ where: { id: { in: [grantorId, holderId] } }, select: { id: true, name: true } });
        const nameOf = (id: string) => names.find((n) => n.id === id)?.name ?? null;
        log({
          villageId: motion.villageId, type: 'proxy.recorded', actor,
          payload: { proxyId: proxy.id, motionId, motionNumber: motion.number, grantorId, grantorName: nameOf(grantorId), holderId, holderName: nameOf(holderId) },
        });
        return proxy;
      });
    },

    async list(motionId: string) {
      return db.proxy.findMany({ where: { motionId }, orderBy: { createdAt: 'asc' } });
    },
  };
}

export type ProxyService = ReturnType<typeof createProxyService>;
