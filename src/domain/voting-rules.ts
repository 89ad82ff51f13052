import { DECIDING_BODIES, type DecidingBody } from "./deciding-body.ts";
import {
  HALF, ratioPortionText, THREE_QUARTERS, thresholdText, TWO_THIRDS,
  type Comparison, type Ratio,
} from "./thresholds.ts";

/** What a motion is about; some subjects carry a stricter statutory rule than the body's general one. */
export type SubjectKind = "general" | "land_contracting" | "non_member_benefits";

export const SUBJECT_KINDS: readonly SubjectKind[] = ["general", "land_contracting", "non_member_benefits"];

export type EligibilityKey =
  | "adult_villagers"
  | "group_adult_villagers"
  | "representatives_assembly_members"
  | "representatives"
  | "collective_members"
  | "member_representatives"
  | "full_party_members"
  | "two_committees_members"
  | "branch_committee_members";

/** How the counted people are named in results ("应到村民代表 15 人"). */
export const ELIGIBILITY_NOUNS: Record<EligibilityKey, string> = {
  adult_villagers: "十八周岁以上村民",
  group_adult_villagers: "本组十八周岁以上村民",
  representatives_assembly_members: "村民代表和村委会成员",
  representatives: "村民代表",
  collective_members: "集体经济组织成员",
  member_representatives: "成员代表",
  full_party_members: "有表决权的正式党员",
  two_committees_members: "两委成员",
  branch_committee_members: "支委委员",
};

export type QuorumAlternative = { comparison: Comparison; ratio: Ratio; of: "persons" | "households" };

export type ApprovalRule = { comparison: Comparison; ratio: Ratio; base: "attendees" | "eligible" };

export type ProxyPolicy = { sameHouseholdOnly: boolean; holderMustBeAdult: boolean; maxPerHolder: number; source: string };

export type VotingRule = {
  body: DecidingBody;
  subject: SubjectKind;
  label: string;
  eligible: EligibilityKey;
  householdRoute: boolean;
  /** Any one alternative reaching its threshold makes the meeting quorate. */
  quorum: readonly QuorumAlternative[];
  approval: ApprovalRule;
  proxy: ProxyPolicy | null;
  source: string;
};

export type RuleLookup = { ok: true; rule: VotingRule } | { ok: false; reason: string };

const MORE_THAN_HALF_OF_PERSONS: QuorumAlternative = { comparison: "more_than", ratio: HALF, of: "persons" };
const TWO_THIRDS_OF_PERSONS: QuorumAlternative = { comparison: "at_least", ratio: TWO_THIRDS, of: "persons" };
const TWO_THIRDS_OF_HOUSEHOLDS: QuorumAlternative = { comparison: "at_least", ratio: TWO_THIRDS, of: "households" };
const MAJORITY_OF_ATTENDEES: ApprovalRule = { comparison: "more_than", ratio: HALF, base: "attendees" };
const MAJORITY_OF_ALL: ApprovalRule = { comparison: "more_than", ratio: HALF, base: "eligible" };
const TWO_THIRDS_OF_ALL: ApprovalRule = { comparison: "at_least", ratio: TWO_THIRDS, base: "eligible" };
const SAME_HOUSEHOLD_PROXY: ProxyPolicy = {
  sameHouseholdOnly: true, holderMustBeAdult: true, maxPerHolder: 1, source: "RCEO 27",
};
const LAND = "LAND 19, 28, 52";

type RuleRow = Omit<VotingRule, "householdRoute" | "proxy" | "label"> &
  Partial<Pick<VotingRule, "householdRoute" | "proxy">> & { labelSuffix?: string };

// One row per (body, subject) the law covers; a missing pair is refused by ruleFor with a reason.
const ROWS: readonly RuleRow[] = [
  { body: "villagers_assembly", subject: "general", eligible: "adult_villagers", householdRoute: true,
    quorum: [MORE_THAN_HALF_OF_PERSONS, TWO_THIRDS_OF_HOUSEHOLDS], approval: MAJORITY_OF_ATTENDEES, source: "VCOL 22" },
  // LAND 19 counts members of the assembly (persons), so the household route cannot carry it.
  { body: "villagers_assembly", subject: "land_contracting", eligible: "adult_villagers", labelSuffix: "土地承包事项",
    quorum: [MORE_THAN_HALF_OF_PERSONS], approval: TWO_THIRDS_OF_ALL, source: LAND },
  { body: "representatives_assembly", subject: "general", eligible: "representatives_assembly_members",
    quorum: [TWO_THIRDS_OF_PERSONS], approval: MAJORITY_OF_ATTENDEES, source: "VCOL 26" },
  // LAND 19 asks for 2/3 of the 村民代表 themselves, not of the whole body with the 村委会 members.
  { body: "representatives_assembly", subject: "land_contracting", eligible: "representatives", labelSuffix: "土地承包事项",
    quorum: [TWO_THIRDS_OF_PERSONS], approval: TWO_THIRDS_OF_ALL, source: LAND },
  { body: "group_assembly", subject: "general", eligible: "group_adult_villagers", householdRoute: true,
    quorum: [TWO_THIRDS_OF_PERSONS, TWO_THIRDS_OF_HOUSEHOLDS], approval: MAJORITY_OF_ATTENDEES, source: "VCOL 28" },
  // Land owned by a 村民小组 is let by the group (LAND 13), whose meeting is then "the" 村民会议 of LAND 19.
  { body: "group_assembly", subject: "land_contracting", eligible: "group_adult_villagers", labelSuffix: "土地承包事项",
    quorum: [TWO_THIRDS_OF_PERSONS], approval: TWO_THIRDS_OF_ALL, source: LAND },
  { body: "members_assembly", subject: "general", eligible: "collective_members", proxy: SAME_HOUSEHOLD_PROXY,
    quorum: [TWO_THIRDS_OF_PERSONS], approval: TWO_THIRDS_OF_ALL, source: "RCEO 27" },
  { body: "members_assembly", subject: "land_contracting", eligible: "collective_members", labelSuffix: "土地承包事项",
    proxy: SAME_HOUSEHOLD_PROXY, quorum: [TWO_THIRDS_OF_PERSONS], approval: TWO_THIRDS_OF_ALL, source: "RCEO 27; LAND 19" },
  { body: "members_assembly", subject: "non_member_benefits", eligible: "collective_members", labelSuffix: "非成员待遇事项",
    proxy: SAME_HOUSEHOLD_PROXY, quorum: [TWO_THIRDS_OF_PERSONS],
    approval: { comparison: "at_least", ratio: THREE_QUARTERS, base: "eligible" }, source: "RCEO 15" },
  { body: "members_representatives_assembly", subject: "general", eligible: "member_representatives",
    quorum: [TWO_THIRDS_OF_PERSONS], approval: TWO_THIRDS_OF_ALL, source: "RCEO 28" },
  { body: "party_assembly", subject: "general", eligible: "full_party_members",
    quorum: [MORE_THAN_HALF_OF_PERSONS], approval: MAJORITY_OF_ALL, source: "BRANCH 11" },
  { body: "two_committees", subject: "general", eligible: "two_committees_members",
    quorum: [MORE_THAN_HALF_OF_PERSONS], approval: MAJORITY_OF_ALL, source: "PRACTICE" },
  { body: "branch_committee", subject: "general", eligible: "branch_committee_members",
    quorum: [MORE_THAN_HALF_OF_PERSONS], approval: MAJORITY_OF_ALL, source: "BRANCH 12" },
];

export const VOTING_RULES: readonly VotingRule[] = ROWS.map(({ labelSuffix, ...row }) => ({
  ...row,
  label: labelSuffix ? `${DECIDING_BODIES[row.body]}（${labelSuffix}）` : DECIDING_BODIES[row.body],
  householdRoute: row.householdRoute ?? false,
  proxy: row.proxy ?? null,
}));

function refusal(body: DecidingBody, subject: SubjectKind): string {
  const label = DECIDING_BODIES[body];
  if (subject === "non_member_benefits") {
    return `${label}不能决定给予非成员的待遇：此类事项须经集体经济组织成员大会全体成员四分之三以上同意（《农村集体经济组织法》第十五条）。`;
  }
  if (body === "members_representatives_assembly") {
    return "成员代表大会不得决定土地承包方案，须提交集体经济组织成员大会表决（《农村集体经济组织法》第二十八条）。";
  }
  return `${label}不能决定土地承包事项：土地承包方案须经村民会议三分之二以上成员或者三分之二以上村民代表同意（《农村土地承包法》第十九条）。`;
}

export function ruleFor(body: string, subject: SubjectKind): RuleLookup {
  if (!Object.hasOwn(DECIDING_BODIES, body)) return { ok: false, reason: `未知的决策机构“${body}”。` };
  if (!SUBJECT_KINDS.includes(subject)) return { ok: false, reason: `未知的事项类别“${String(subject)}”。` };
  const rule = VOTING_RULES.find((r) => r.body === body && r.subject === subject);
  return rule ? { ok: true, rule } : { ok: false, reason: refusal(body as DecidingBody, subject) };
}

export function quorumAlternativeText(alternative: QuorumAlternative, eligible: EligibilityKey): string {
  const threshold = thresholdText(alternative.comparison, alternative.ratio);
  return alternative.of === "households"
    ? `${threshold}的户派代表到会`
    : `${ELIGIBILITY_NOUNS[eligible]}${threshold}到会`;
}

/** "十八周岁以上村民超过半数到会，或者三分之二以上的户派代表到会" */
export function quorumText(rule: VotingRule): string {
  return rule.quorum.map((alternative) => quorumAlternativeText(alternative, rule.eligible)).join("，或者");
}

/** "超过到会人数的一半", "达到全体成员代表的三分之二以上"; `met = false` gives the negated form. */
export function approvalClause(rule: VotingRule, met: boolean): string {
  const { comparison, ratio, base } = rule.approval;
  const whole = base === "attendees" ? "到会人数" : `全体${ELIGIBILITY_NOUNS[rule.eligible]}`;
  const portion = `${whole}的${ratioPortionText(ratio)}`;
  if (comparison === "more_than") return `${met ? "" : "未"}超过${portion}`;
  return met ? `达到${portion}以上` : `未达到${portion}`;
}

/** "同意票超过到会人数的一半" */
export function approvalText(rule: VotingRule): string {
  return `同意票${approvalClause(rule, true)}`;
}
