import { describe, expect, it } from "vitest";
import { DECIDING_BODY_KEYS, type DecidingBody } from "../../src/domain/deciding-body.ts";
import { HALF, THREE_QUARTERS, TWO_THIRDS } from "../../src/domain/thresholds.ts";
import {
  approvalText, quorumText, ruleFor, SUBJECT_KINDS, VOTING_RULES, type SubjectKind, type VotingRule,
} from "../../src/domain/voting-rules.ts";

function rule(body: DecidingBody, subject: SubjectKind = "general"): VotingRule {
  const found = ruleFor(body, subject);
  if (!found.ok) throw new Error(found.reason);
  return found.rule;
}

function refusal(body: string, subject: SubjectKind): string {
  const found = ruleFor(body, subject);
  if (found.ok) throw new Error(`${body}/${subject} unexpectedly has a rule`);
  return found.reason;
}

describe("the rules table", () => {
  it("has one entry per (body, subject) and a general rule for every body", () => {
    const keys = VOTING_RULES.map((r) => `${r.body}/${r.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const body of DECIDING_BODY_KEYS) expect(ruleFor(body, "general").ok).toBe(true);
  });

  it("uses integer ratios and only the two named comparisons", () => {
    for (const r of VOTING_RULES) {
      for (const { ratio, comparison } of [...r.quorum, r.approval]) {
        expect(Number.isInteger(ratio.num) && Number.isInteger(ratio.den) && ratio.den > 0).toBe(true);
        expect(["at_least", "more_than"]).toContain(comparison);
      }
      expect(r.quorum.length).toBeGreaterThan(0);
      expect(r.source).not.toBe("");
    }
  });

  it("accepts proxies only for the 成员大会, and the household route only where the law counts households", () => {
    expect(VOTING_RULES.filter((r) => r.proxy).map((r) => r.body)).toEqual(Array(3).fill("members_assembly"));
    expect(VOTING_RULES.filter((r) => r.householdRoute).map((r) => `${r.body}/${r.subject}`))
      .toEqual(["villagers_assembly/general", "group_assembly/general"]);
  });
});

describe("general rules per body", () => {
  it("村民会议: >1/2 of 18+ villagers or ≥2/3 of households; >1/2 of attendees (VCOL 22)", () => {
    const r = rule("villagers_assembly");
    expect(r).toMatchObject({ label: "村民会议", eligible: "adult_villagers", householdRoute: true, proxy: null, source: "VCOL 22" });
    expect(r.quorum).toEqual([
      { comparison: "more_than", ratio: HALF, of: "persons" },
      { comparison: "at_least", ratio: TWO_THIRDS, of: "households" },
    ]);
    expect(r.approval).toEqual({ comparison: "more_than", ratio: HALF, base: "attendees" });
    expect(quorumText(r)).toBe("十八周岁以上村民超过半数到会，或者三分之二以上的户派代表到会");
    expect(approvalText(r)).toBe("同意票超过到会人数的一半");
  });

  it("村民代表会议: ≥2/3 of its members (村民代表 and 村委会成员); >1/2 of attendees (VCOL 26)", () => {
    const r = rule("representatives_assembly");
    expect(r).toMatchObject({ eligible: "representatives_assembly_members", householdRoute: false, proxy: null, source: "VCOL 26" });
    expect(r.quorum).toEqual([{ comparison: "at_least", ratio: TWO_THIRDS, of: "persons" }]);
    expect(r.approval).toEqual({ comparison: "more_than", ratio: HALF, base: "attendees" });
  });

  it("村民小组会议: ≥2/3 of group 18+ or of group households; >1/2 of attendees (VCOL 28)", () => {
    const r = rule("group_assembly");
    expect(r).toMatchObject({ eligible: "group_adult_villagers", householdRoute: true, source: "VCOL 28" });
    expect(r.quorum.map((q) => [q.comparison, q.ratio, q.of])).toEqual([
      ["at_least", TWO_THIRDS, "persons"], ["at_least", TWO_THIRDS, "households"],
    ]);
    expect(r.approval.base).toBe("attendees");
  });

  it("成员大会: ≥2/3 attend, ≥2/3 of ALL members approve, same-household proxies (RCEO 27)", () => {
    const r = rule("members_assembly");
    expect(r).toMatchObject({ eligible: "collective_members", householdRoute: false, source: "RCEO 27" });
    expect(r.approval).toEqual({ comparison: "at_least", ratio: TWO_THIRDS, base: "eligible" });
    expect(r.proxy).toMatchObject({ sameHouseholdOnly: true, holderMustBeAdult: true, maxPerHolder: 1 });
    expect(approvalText(r)).toBe("同意票达到全体集体经济组织成员的三分之二以上");
  });

  it("成员代表大会: ≥2/3 of representatives attend, ≥2/3 of ALL approve (RCEO 28)", () => {
    const r = rule("members_representatives_assembly");
    expect(r).toMatchObject({ eligible: "member_representatives", proxy: null, source: "RCEO 28" });
    expect(r.quorum).toEqual([{ comparison: "at_least", ratio: TWO_THIRDS, of: "persons" }]);
    expect(r.approval).toEqual({ comparison: "at_least", ratio: TWO_THIRDS, base: "eligible" });
  });

  it.each([
    ["party_assembly", "full_party_members", "BRANCH 11"],
    ["branch_committee", "branch_committee_members", "BRANCH 12"],
    ["two_committees", "two_committees_members", "PRACTICE"],
  ] as const)("%s: >1/2 attend, yes >1/2 of all expected (%s, %s)", (body, eligible, source) => {
    const r = rule(body);
    expect(r).toMatchObject({ eligible, source, proxy: null, householdRoute: false });
    expect(r.quorum).toEqual([{ comparison: "more_than", ratio: HALF, of: "persons" }]);
    expect(r.approval).toEqual({ comparison: "more_than", ratio: HALF, base: "eligible" });
  });

  it("renders the party rule in words", () => {
    const r = rule("party_assembly");
    expect(quorumText(r)).toBe("有表决权的正式党员超过半数到会");
    expect(approvalText(r)).toBe("同意票超过全体有表决权的正式党员的一半");
  });
});

describe("subject kinds with stricter rules", () => {
  it("land contracting needs ≥2/3 of ALL eligible, counted per person (LAND 19, 28, 52)", () => {
    const villagers = rule("villagers_assembly", "land_contracting");
    expect(villagers).toMatchObject({ label: "村民会议（土地承包事项）", householdRoute: false, source: "LAND 19, 28, 52" });
    expect(villagers.approval).toEqual({ comparison: "at_least", ratio: TWO_THIRDS, base: "eligible" });
    const reps = rule("representatives_assembly", "land_contracting");
    expect(reps.eligible).toBe("representatives");
    expect(reps.approval).toEqual({ comparison: "at_least", ratio: TWO_THIRDS, base: "eligible" });
    expect(rule("group_assembly", "land_contracting").approval.base).toBe("eligible");
  });

  it("成员大会 decides land contracting with its general arithmetic", () => {
    const land = rule("members_assembly", "land_contracting");
    const general = rule("members_assembly");
    expect(land.quorum).toEqual(general.quorum);
    expect(land.approval).toEqual(general.approval);
    expect(land.proxy).toEqual(general.proxy);
  });

  it("benefits for non-members need ≥3/4 of ALL members (RCEO 15)", () => {
    const r = rule("members_assembly", "non_member_benefits");
    expect(r.approval).toEqual({ comparison: "at_least", ratio: THREE_QUARTERS, base: "eligible" });
    expect(r.source).toBe("RCEO 15");
    expect(approvalText(r)).toBe("同意票达到全体集体经济组织成员的四分之三以上");
  });
});

describe("refusals", () => {
  it("成员代表大会 may not decide land contracting", () => {
    expect(refusal("members_representatives_assembly", "land_contracting")).toContain("成员代表大会不得决定土地承包方案");
  });

  it("only the 成员大会 decides benefits for non-members", () => {
    for (const body of DECIDING_BODY_KEYS.filter((b) => b !== "members_assembly")) {
      expect(refusal(body, "non_member_benefits")).toContain("四分之三以上");
    }
  });

  it.each(["party_assembly", "two_committees", "branch_committee"] as const)("%s cannot decide land contracting", (body) => {
    expect(refusal(body, "land_contracting")).toMatch(/不能决定土地承包事项.*第十九条/);
  });

  it("names an unknown body or subject", () => {
    expect(refusal("council", "general")).toBe("未知的决策机构“council”。");
    expect(refusal("villagers_assembly", "budget" as SubjectKind)).toContain("未知的事项类别");
    expect(refusal("toString", "general")).toContain("未知的决策机构");
  });

  it("covers every (body, subject) pair either with a rule or a zh reason", () => {
    for (const body of DECIDING_BODY_KEYS) {
      for (const subject of SUBJECT_KINDS) {
        const found = ruleFor(body, subject);
        if (!found.ok) expect(found.reason).toMatch(/[\u4e00-\u9fff]/u);
      }
    }
  });
});
