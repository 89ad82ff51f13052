import type { VoteChoice } from "./tally.ts";
import { meetsThreshold, thresholdText, type Comparison, type Ratio } from "./thresholds.ts";
import {
  approvalClause, approvalText, ELIGIBILITY_NOUNS, quorumAlternativeText, quorumText, ruleFor,
  type EligibilityKey, type QuorumAlternative, type RuleLookup, type SubjectKind, type VotingRule,
} from "./voting-rules.ts";

export type RosterMember = { id: string; householdId: string; isAdult: boolean; roles: string[]; groupName: string | null };

export type MotionSpec = { decidingBody: string; subjectKind: SubjectKind; householdRoute: boolean; groupName: string | null };

export type CastVote = { memberId: string; choice: VoteChoice };

export type ProxyGrant = { grantorId: string; holderId: string };

export type VoterCheck = { ok: true } | { ok: false; reason: "not_eligible" | "household_already_voted"; byMemberId?: string };

export type ProxyCheck = { ok: true } | { ok: false; reason: string };

export type MotionCount = {
  outcome: "passed" | "failed" | "advisory";
  rule: { body: string; subject: SubjectKind; label: string; quorumText: string; approvalText: string; source: string };
  numbers: {
    eligible: number;
    /** Set only on the household route, where households are the counted units. */
    eligibleHouseholds: number | null;
    attendees: number;
    attendingHouseholds: number | null;
    yes: number;
    no: number;
    abstain: number;
    /** Grantors whose written proxy took effect. */
    byProxy: number;
    /** Votes and check-ins of non-eligible members, plus later votes of an already-voting household. */
    ignoredVotes: number;
  };
  quorumReached: boolean;
  reason: string;
};

const hasAny = (member: RosterMember, roles: readonly string[]) => roles.some((role) => member.roles.includes(role));

const ELIGIBILITY: Record<EligibilityKey, (member: RosterMember, motion: MotionSpec) => boolean> = {
  adult_villagers: (m) => m.isAdult && hasAny(m, ["villager"]),
  group_adult_villagers: (m, motion) => m.isAdult && hasAny(m, ["villager"]) && m.groupName === motion.groupName,
  // VCOL 25: the 村民代表会议 is made up of the 村委会 members and the 村民代表.
  representatives_assembly_members: (m) => hasAny(m, ["representative", "committee"]),
  representatives: (m) => hasAny(m, ["representative"]),
  // RCEO 27: members with full civil capacity, one person one vote.
  collective_members: (m) => m.isAdult && hasAny(m, ["collective_member"]),
  member_representatives: (m) => hasAny(m, ["member_representative"]),
  full_party_members: (m) => hasAny(m, ["party_member"]) && !hasAny(m, ["probationary_party_member"]),
  two_committees_members: (m) => hasAny(m, ["committee", "branch_committee", "secretary"]),
  branch_committee_members: (m) => hasAny(m, ["branch_committee", "secretary"]),
};

/** The rule a motion is counted under, or why the motion cannot be put to that body as specified. */
export function validateMotion(motion: MotionSpec): RuleLookup {
  const lookup = ruleFor(motion.decidingBody, motion.subjectKind);
  if (!lookup.ok) return lookup;
  const { rule } = lookup;
  if (motion.householdRoute && !rule.householdRoute) {
    const why = rule.body === "members_assembly" ? "成员大会实行一人一票（《农村集体经济组织法》第二十七条）"
      : rule.subject === "land_contracting" ? "土地承包事项按成员人数计算同意票（《农村土地承包法》第十九条）"
      : "该会议按组成人员人数计算";
    return { ok: false, reason: `${rule.label}不能按户表决：${why}。` };
  }
  if (rule.eligible === "group_adult_villagers" && motion.groupName === null) {
    return { ok: false, reason: "村民小组会议须指明是哪个村民小组。" };
  }
  return lookup;
}

function requireRule(motion: MotionSpec): VotingRule {
  const lookup = validateMotion(motion);
  if (!lookup.ok) throw new RangeError(lookup.reason);
  return lookup.rule;
}

/** Throws RangeError (with the zh-CN reason) when the motion fails validateMotion. */
export function eligibleVoters(motion: MotionSpec, roster: readonly RosterMember[]): RosterMember[] {
  const isEligible = ELIGIBILITY[requireRule(motion).eligible];
  return roster.filter((member) => isEligible(member, motion));
}

/** May this member vote now? On the household route the household's first voter speaks for it. */
export function checkVoter(
  motion: MotionSpec, roster: readonly RosterMember[], memberId: string, existingVotes: readonly { memberId: string }[],
): VoterCheck {
  const eligible = new Map(eligibleVoters(motion, roster).map((m) => [m.id, m]));
  const member = eligible.get(memberId);
  if (!member) return { ok: false, reason: "not_eligible" };
  if (!motion.householdRoute) return { ok: true };
  const first = existingVotes.find((vote) => eligible.get(vote.memberId)?.householdId === member.householdId);
  if (!first || first.memberId === memberId) return { ok: true };
  return { ok: false, reason: "household_already_voted", byMemberId: first.memberId };
}

/** Is this written proxy admissible, given the proxies already recorded for the motion? */
export function checkProxy(
  motion: MotionSpec, roster: readonly RosterMember[], grantorId: string, holderId: string,
  existingProxies: readonly ProxyGrant[],
): ProxyCheck {
  const rule = requireRule(motion);
  const policy = rule.proxy;
  const refuse = (reason: string): ProxyCheck => ({ ok: false, reason });
  if (!policy) {
    return refuse(`${rule.label}不接受委托表决：法律只允许集体经济组织成员大会由本户成年成员书面委托代为表决（《农村集体经济组织法》第二十七条）。`);
  }
  if (grantorId === holderId) return refuse("委托人和受托人不能是同一人。");
  const eligible = new Map(eligibleVoters(motion, roster).map((m) => [m.id, m]));
  const grantor = eligible.get(grantorId);
  const holder = eligible.get(holderId);
  if (!grantor) return refuse("委托人不是本次会议有表决权的人员。");
  if (!holder) return refuse("受托人不是本次会议有表决权的人员。");
  if (policy.holderMustBeAdult && !holder.isAdult) return refuse("受托人须为成年人。");
  if (policy.sameHouseholdOnly && grantor.householdId !== holder.householdId) return refuse("受托人须与委托人同户。");
  if (existingProxies.some((p) => p.grantorId === grantorId)) return refuse("该委托人已经委托过他人，不能重复委托。");
  // No chains: a holder must attend in person, and a grantor is not there to carry someone else's vote.
  if (existingProxies.some((p) => p.grantorId === holderId)) return refuse("受托人本人已委托他人表决，不能再接受委托。");
  if (existingProxies.some((p) => p.holderId === grantorId)) return refuse("委托人已接受他人委托，不能再委托他人。");
  const held = existingProxies.filter((p) => p.holderId === holderId).length;
  if (held >= policy.maxPerHolder) return refuse(`每名受托人最多接受 ${policy.maxPerHolder} 份委托，该受托人已达上限。`);
  return { ok: true };
}

// An empty base never reaches a threshold: "≥2/3 of nobody" must not make a meeting of nobody quorate.
const reaches = (comparison: Comparison, count: number, ratio: Ratio, total: number) =>
  total > 0 && meetsThreshold(comparison, count, ratio, total);

type Units = { eligible: number; attendees: number; choices: VoteChoice[]; byProxy: number; ignored: number };

function countPersons(rule: VotingRule, input: CountInput, eligible: Map<string, RosterMember>, present: Set<string>): Units {
  let ignored = 0;
  // Map keeps first-cast order while a later entry for the same member replaces the choice.
  const choices = new Map<string, VoteChoice>();
  for (const vote of input.votes) {
    if (eligible.has(vote.memberId)) choices.set(vote.memberId, vote.choice);
    else ignored += 1;
  }
  const attending = new Set([...choices.keys(), ...present]);
  let byProxy = 0;
  if (rule.proxy) {
    const accepted: ProxyGrant[] = [];
    for (const p of input.proxies) {
      if (checkProxy(input.motion, input.roster, p.grantorId, p.holderId, accepted).ok) accepted.push(p);
    }
    // Grantors never hold a proxy (checkProxy refuses chains), so writing their choice here cannot feed another proxy.
    for (const { grantorId, holderId } of accepted) {
      if (choices.has(grantorId)) continue; // voting in person voids the proxy
      const holderChoice = choices.get(holderId);
      if (holderChoice === undefined && !present.has(holderId)) continue; // the holder did not attend
      byProxy += 1;
      attending.add(grantorId);
      if (holderChoice !== undefined) choices.set(grantorId, holderChoice);
    }
  }
  return { eligible: eligible.size, attendees: attending.size, choices: [...choices.values()], byProxy, ignored };
}

function countHouseholds(input: CountInput, eligible: Map<string, RosterMember>, present: Set<string>): Units {
  let ignored = 0;
  const householdChoice = new Map<string, { memberId: string; choice: VoteChoice }>();
  for (const vote of input.votes) {
    const household = eligible.get(vote.memberId)?.householdId;
    const first = household === undefined ? undefined : householdChoice.get(household);
    if (household === undefined || (first && first.memberId !== vote.memberId)) ignored += 1;
    else householdChoice.set(household, { memberId: vote.memberId, choice: vote.choice });
  }
  const attending = new Set([...householdChoice.keys(), ...[...present].map((id) => eligible.get(id)!.householdId)]);
  const households = new Set([...eligible.values()].map((m) => m.householdId));
  const choices = [...householdChoice.values()].map((v) => v.choice);
  return { eligible: households.size, attendees: attending.size, choices, byProxy: 0, ignored };
}

export type CountInput = {
  motion: MotionSpec;
  roster: readonly RosterMember[];
  /** In the order first cast; a repeated member means a changed vote, and the last choice counts. */
  votes: readonly CastVote[];
  checkIns: readonly string[];
  proxies: readonly ProxyGrant[];
};

/** Throws RangeError (with the zh-CN reason) when the motion fails validateMotion. */
export function countMotion(input: CountInput): MotionCount {
  const { motion } = input;
  const rule = requireRule(motion);
  const eligible = new Map(eligibleVoters(motion, input.roster).map((m) => [m.id, m]));
  const checkIns = new Set(input.checkIns);
  const present = new Set([...checkIns].filter((id) => eligible.has(id)));
  const units = motion.householdRoute
    ? countHouseholds(input, eligible, present)
    : countPersons(rule, input, eligible, present);
  const yes = units.choices.filter((c) => c === "yes").length;
  const no = units.choices.filter((c) => c === "no").length;
  const abstain = units.choices.length - yes - no;

  // A households alternative needs household representatives; a per-person session cannot borrow it.
  const applicable = rule.quorum.filter((alt) => motion.householdRoute || alt.of === "persons");
  const baseOf = (alt: QuorumAlternative) => (alt.of === "households" ? units.eligible : eligible.size);
  const met = applicable.find((alt) => reaches(alt.comparison, units.attendees, alt.ratio, baseOf(alt)));
  const quorumReached = met !== undefined;
  const approvalBase = rule.approval.base === "attendees" ? units.attendees : units.eligible;
  const approved = reaches(rule.approval.comparison, yes, rule.approval.ratio, approvalBase);
  const outcome = !quorumReached ? "advisory" : approved ? "passed" : "failed";

  const noun = ELIGIBILITY_NOUNS[rule.eligible];
  const head = motion.householdRoute
    ? `应到 ${units.eligible} 户（${noun} ${eligible.size} 人），到会户代表 ${units.attendees} 户`
    : `应到${noun} ${eligible.size} 人，到会 ${units.attendees} 人${units.byProxy > 0 ? `（含书面委托 ${units.byProxy} 人）` : ""}`;
  const quorumClause = describeQuorum(rule.eligible, applicable, met);
  const votes = `同意 ${yes} 票、反对 ${no} 票、弃权 ${abstain} 票`;
  const tail = outcome === "advisory"
    ? `本次表决结果仅作征求意见（${votes}）。`
    : `${votes}，同意票${approvalClause(rule, approved)}，${approved ? "通过" : "未通过"}。`;

  return {
    outcome,
    rule: {
      body: rule.body, subject: rule.subject, label: rule.label,
      quorumText: quorumText(rule), approvalText: approvalText(rule), source: rule.source,
    },
    numbers: {
      eligible: eligible.size,
      eligibleHouseholds: motion.householdRoute ? units.eligible : null,
      attendees: units.attendees,
      attendingHouseholds: motion.householdRoute ? units.attendees : null,
      yes, no, abstain,
      byProxy: units.byProxy,
      ignoredVotes: units.ignored + (checkIns.size - present.size),
    },
    quorumReached,
    reason: `${rule.label}：${head}，${quorumClause}${outcome === "advisory" ? "，" : "；"}${tail}`,
  };
}

function describeQuorum(eligible: EligibilityKey, applicable: readonly QuorumAlternative[], met: QuorumAlternative | undefined): string {
  if (applicable.length > 1) {
    return met
      ? `达到法定人数（${quorumAlternativeText(met, eligible)}）`
      : `未达到法定人数（须${applicable.map((alt) => quorumAlternativeText(alt, eligible)).join("，或者")}）`;
  }
  const { comparison, ratio } = applicable[0];
  const threshold = thresholdText(comparison, ratio);
  if (comparison === "at_least") return `${met ? "达到" : "未达到"}${threshold}的法定人数`;
  return met ? `${threshold}，达到法定人数` : `未${threshold}，未达到法定人数`;
}
