import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countMotion, type MotionCount, type MotionSpec, type RosterMember } from "../../src/domain/counting.ts";
import type { Comparison, Ratio } from "../../src/domain/thresholds.ts";
import { VOTING_RULES, type VotingRule } from "../../src/domain/voting-rules.ts";

const ROLES = [
  "villager", "representative", "party_member", "probationary_party_member", "collective_member",
  "member_representative", "committee", "branch_committee", "secretary", "accountant",
];
const MAX_ID = 30; // ids past the roster's end are strangers

const memberArb = fc.record({
  householdId: fc.constantFrom("h1", "h2", "h3", "h4", "h5", "h6"),
  isAdult: fc.boolean(),
  roles: fc.subarray(ROLES),
  groupName: fc.constantFrom(null, "一组", "二组"),
});

const scenarioArb = fc.record({
  members: fc.array(memberArb, { maxLength: 24 }),
  ruleIndex: fc.nat({ max: VOTING_RULES.length - 1 }),
  householdRoute: fc.boolean(),
  groupName: fc.constantFrom("一组", "二组"),
  votes: fc.array(fc.record({ who: fc.nat({ max: MAX_ID }), choice: fc.constantFrom("yes", "no", "abstain") as fc.Arbitrary<"yes" | "no" | "abstain"> }), { maxLength: 40 }),
  checkIns: fc.array(fc.nat({ max: MAX_ID }), { maxLength: 24 }),
  proxies: fc.array(fc.record({ grantor: fc.nat({ max: MAX_ID }), holder: fc.nat({ max: MAX_ID }) }), { maxLength: 8 }),
});

// Deliberately re-derived with plain integer arithmetic rather than the module's own predicates.
const holds = (comparison: Comparison, count: number, { num, den }: Ratio, total: number) =>
  total > 0 && (comparison === "at_least" ? count * den >= num * total : count * den > num * total);

function checkInvariants(rule: VotingRule, spec: MotionSpec, result: MotionCount): void {
  const n = result.numbers;
  const units = spec.householdRoute ? n.eligibleHouseholds : n.eligible;
  for (const value of [n.eligible, n.attendees, n.yes, n.no, n.abstain, n.byProxy, n.ignoredVotes, units]) {
    expect(Number.isSafeInteger(value) && (value ?? -1) >= 0).toBe(true);
  }
  expect(n.yes + n.no + n.abstain).toBeLessThanOrEqual(n.attendees);
  expect(n.attendees).toBeLessThanOrEqual(units ?? -1);
  expect(result.reason).not.toMatch(/NaN|undefined|Infinity|null/);

  const quorumHolds = rule.quorum
    .filter((alt) => spec.householdRoute || alt.of === "persons")
    .some((alt) => holds(alt.comparison, n.attendees, alt.ratio, alt.of === "households" ? n.eligibleHouseholds ?? 0 : n.eligible));
  expect(result.quorumReached).toBe(quorumHolds);
  if (!result.quorumReached) expect(result.outcome).toBe("advisory");
  if (result.quorumReached) expect(result.outcome).not.toBe("advisory");
  if (n.eligible === 0) expect(result.outcome).toBe("advisory");

  const base = rule.approval.base === "attendees" ? n.attendees : units ?? 0;
  const approved = holds(rule.approval.comparison, n.yes, rule.approval.ratio, base);
  if (result.outcome === "passed") expect(approved && result.quorumReached).toBe(true);
  if (result.outcome === "failed") expect(approved).toBe(false);
}

describe("countMotion properties", () => {
  it("never passes without quorum, passes only when the approval predicate holds, and stays integral", () => {
    const seen = new Set<string>();
    fc.assert(fc.property(scenarioArb, (s) => {
      const roster: RosterMember[] = s.members.map((m, i) => ({ id: `m${i}`, ...m }));
      const rule = VOTING_RULES[s.ruleIndex];
      const spec: MotionSpec = {
        decidingBody: rule.body, subjectKind: rule.subject,
        householdRoute: rule.householdRoute && s.householdRoute, groupName: s.groupName,
      };
      const result = countMotion({
        motion: spec, roster,
        votes: s.votes.map((v) => ({ memberId: `m${v.who}`, choice: v.choice })),
        checkIns: s.checkIns.map((i) => `m${i}`),
        proxies: s.proxies.map((p) => ({ grantorId: `m${p.grantor}`, holderId: `m${p.holder}` })),
      });
      checkInvariants(rule, spec, result);
      seen.add(result.outcome);
    }), { numRuns: 1000 });
    // Guard against a generator that never reaches a quorum and so proves nothing.
    expect([...seen].sort()).toEqual(["advisory", "failed", "passed"]);
  });

  it("adding a yes vote from an eligible absentee never turns passed into failed or advisory", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.nat({ max: 30 }), fc.nat({ max: 30 }), (size, yesCount, noCount) => {
      const roster = Array.from({ length: size }, (_, i): RosterMember =>
        ({ id: `m${i}`, householdId: `h${i}`, isAdult: true, roles: ["villager"], groupName: null }));
      const yes = Math.min(yesCount, size);
      const no = Math.min(noCount, size - yes);
      const votes = roster.slice(0, yes + no).map((m, i) => ({ memberId: m.id, choice: i < yes ? "yes" as const : "no" as const }));
      const spec: MotionSpec = { decidingBody: "villagers_assembly", subjectKind: "general", householdRoute: false, groupName: null };
      const before = countMotion({ motion: spec, roster, votes, checkIns: [], proxies: [] });
      if (before.outcome !== "passed" || yes + no === size) return;
      const after = countMotion({ motion: spec, roster, votes: [...votes, { memberId: roster[yes + no].id, choice: "yes" }], checkIns: [], proxies: [] });
      expect(after.outcome).toBe("passed");
    }));
  });
});
