import { countMotion, type MotionSpec, type ProxyGrant, type RosterMember } from '../../src/domain/counting.ts';

/** Small builders for counting tests: members, rolls, motions and a ballot box. */
export const member = (id: string, o: Partial<RosterMember> = {}): RosterMember => ({
  id, householdId: o.householdId ?? `h-${id}`, isAdult: o.isAdult ?? true, roles: o.roles ?? ['villager'], groupName: o.groupName ?? null,
});
export const roll = (n: number, prefix: string, o: Partial<RosterMember> = {}) =>
  Array.from({ length: n }, (_, i) => member(`${prefix}${i + 1}`, o));
export const idsOf = (roster: RosterMember[], from: number, to: number) => roster.slice(from, to).map((m) => m.id);
export const motion = (decidingBody: string, o: Partial<MotionSpec> = {}): MotionSpec =>
  ({ decidingBody, subjectKind: 'general', householdRoute: false, groupName: null, ...o });

export type Ballots = { yes?: string[]; no?: string[]; abstain?: string[]; checkIns?: string[]; proxies?: ProxyGrant[] };
export function count(spec: MotionSpec, roster: RosterMember[], b: Ballots = {}) {
  const votes = [
    ...(b.yes ?? []).map((memberId) => ({ memberId, choice: 'yes' as const })),
    ...(b.no ?? []).map((memberId) => ({ memberId, choice: 'no' as const })),
    ...(b.abstain ?? []).map((memberId) => ({ memberId, choice: 'abstain' as const })),
  ];
  return countMotion({ motion: spec, roster, votes, checkIns: b.checkIns ?? [], proxies: b.proxies ?? [] });
}
