import type { MotionSpec, RosterMember } from '../domain/counting.ts';
import type { SubjectKind } from '../domain/voting-rules.ts';
import type { Db, Tx } from '../store/prisma.ts';

/** The roster as the pure counting code sees it. */
export async function loadRoster(db: Db | Tx, where: { villageId: string; householdId?: string }): Promise<RosterMember[]> {
  return db.member.findMany({ where, select: { id: true, householdId: true, isAdult: true, roles: true, groupName: true } });
}

export const motionSpecOf = (m: { decidingBody: string; subjectKind: string; householdRoute: boolean; groupName: string | null }): MotionSpec => ({
  decidingBody: m.decidingBody,
  subjectKind: m.subjectKind as SubjectKind,
  householdRoute: m.householdRoute,
  groupName: m.groupName,
});
