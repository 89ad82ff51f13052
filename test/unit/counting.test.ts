import { describe, expect, it } from "vitest";
import { count, idsOf, member, motion, roll } from "../helpers/roster.ts";
import { checkVoter, countMotion, eligibleVoters, validateMotion } from "../../src/domain/counting.ts";


describe("村民会议 (more than half of 18+ villagers attend; more than half of attendees approve)", () => {
  const villagers = roll(10, "v");
  const assembly = motion("villagers_assembly");

  it("exactly half attending (5 of 10) is not 过半数: advisory even when all vote yes", () => {
    const result = count(assembly, villagers, { yes: idsOf(villagers, 0, 5) });
    expect(result).toMatchObject({ outcome: "advisory", quorumReached: false, numbers: { eligible: 10, attendees: 5, yes: 5 } });
    expect(result.reason).toBe(
      "村民会议：应到十八周岁以上村民 10 人，到会 5 人，未超过半数，未达到法定人数，本次表决结果仅作征求意见（同意 5 票、反对 0 票、弃权 0 票）。",
    );
  });

  it("passes with more than half of attendees, fails at exactly half of them", () => {
    const passed = count(assembly, villagers, { yes: idsOf(villagers, 0, 4), no: idsOf(villagers, 4, 6) });
    expect(passed.outcome).toBe("passed");
    expect(passed.reason).toBe(
      "村民会议：应到十八周岁以上村民 10 人，到会 6 人，超过半数，达到法定人数；同意 4 票、反对 2 票、弃权 0 票，同意票超过到会人数的一半，通过。",
    );
    const failed = count(assembly, villagers, { yes: idsOf(villagers, 0, 3), abstain: idsOf(villagers, 3, 6) });
    expect(failed.outcome).toBe("failed");
    expect(failed.reason).toContain("同意票未超过到会人数的一半，未通过。");
  });

  it("counts check-ins as attendance and non-votes against the majority of attendees", () => {
    const result = count(assembly, villagers, { yes: idsOf(villagers, 0, 3), checkIns: idsOf(villagers, 3, 6) });
    expect(result).toMatchObject({ outcome: "failed", quorumReached: true, numbers: { attendees: 6, yes: 3 } });
  });

  it("odd roll: 5 of 9 is a quorum", () => {
    const nine = roll(9, "n");
    expect(count(assembly, nine, { yes: idsOf(nine, 0, 5) }).outcome).toBe("passed");
    expect(count(assembly, nine, { yes: idsOf(nine, 0, 4) }).outcome).toBe("advisory");
  });

  it("a roll of 1", () => {
    const one = [member("solo")];
    expect(count(assembly, one, { yes: ["solo"] }).outcome).toBe("passed");
    expect(count(assembly, one, { no: ["solo"] }).outcome).toBe("failed");
    expect(count(assembly, one).outcome).toBe("advisory");
  });

  it("an empty roll is advisory, never passed, and divides by nothing", () => {
    const result = count(assembly, [], { yes: ["ghost"], checkIns: ["ghost"] });
    expect(result).toMatchObject({ outcome: "advisory", quorumReached: false, numbers: { eligible: 0, attendees: 0, yes: 0, ignoredVotes: 2 } });
    expect(result.reason).not.toMatch(/NaN|undefined|Infinity/);
    expect(count(motion("members_assembly"), []).outcome).toBe("advisory");
  });

  it("ignores minors and non-villagers, counting their votes and check-ins as ignored", () => {
    const roster = [...roll(3, "a"), member("kid", { isAdult: false }), member("clerk", { roles: ["accountant"] })];
    expect(eligibleVoters(assembly, roster).map((m) => m.id)).toEqual(["a1", "a2", "a3"]);
    const result = count(assembly, roster, { yes: ["a1", "kid"], no: ["clerk"], checkIns: ["a2", "kid"] });
    expect(result.numbers).toMatchObject({ eligible: 3, attendees: 2, yes: 1, no: 0, ignoredVotes: 3 });
    expect(checkVoter(assembly, roster, "kid", [])).toEqual({ ok: false, reason: "not_eligible" });
    expect(checkVoter(assembly, roster, "nobody", [])).toEqual({ ok: false, reason: "not_eligible" });
  });

  it("a changed vote keeps its place and counts the last choice", () => {
    const votes = [{ memberId: "v1", choice: "no" as const }, ...idsOf(villagers, 1, 6).map((memberId) => ({ memberId, choice: "no" as const })),
      { memberId: "v1", choice: "yes" as const }];
    const result = countMotion({ motion: assembly, roster: villagers, votes, checkIns: [], proxies: [] });
    expect(result.numbers).toMatchObject({ attendees: 6, yes: 1, no: 5, ignoredVotes: 0 });
  });

  it("land contracting is stricter on the same votes: 5 yes of 9 passes in general, fails for land", () => {
    const nine = roll(9, "n");
    const ballots = { yes: idsOf(nine, 0, 5), no: idsOf(nine, 5, 9) };
    expect(count(assembly, nine, ballots).outcome).toBe("passed");
    const land = count(motion("villagers_assembly", { subjectKind: "land_contracting" }), nine, ballots);
    expect(land.outcome).toBe("failed");
    expect(land.rule).toMatchObject({ label: "村民会议（土地承包事项）", source: "LAND 19, 28, 52" });
    expect(land.reason).toContain("同意票未达到全体十八周岁以上村民的三分之二");
    expect(count(motion("villagers_assembly", { subjectKind: "land_contracting" }), nine, { yes: idsOf(nine, 0, 6) }).outcome).toBe("passed");
  });
});

describe("household route (户代表)", () => {
  // Six households of two adults each: 12 persons.
  const roster = Array.from({ length: 12 }, (_, i) => member(`p${i + 1}`, { householdId: `h${Math.floor(i / 2) + 1}` }));
  const byHousehold = motion("villagers_assembly", { householdRoute: true });

  it("refuses the second adult of a household who already voted, naming the first", () => {
    expect(checkVoter(byHousehold, roster, "p1", [])).toEqual({ ok: true });
    expect(checkVoter(byHousehold, roster, "p2", [{ memberId: "p1" }]))
      .toEqual({ ok: false, reason: "household_already_voted", byMemberId: "p1" });
    expect(checkVoter(byHousehold, roster, "p1", [{ memberId: "p1" }])).toEqual({ ok: true });
    expect(checkVoter(byHousehold, roster, "p3", [{ memberId: "p1" }])).toEqual({ ok: true });
    expect(checkVoter(motion("villagers_assembly"), roster, "p2", [{ memberId: "p1" }])).toEqual({ ok: true });
  });

  it("4 of 6 households (≥2/3) is a quorum although 4 of 12 persons is not", () => {
    const ballots = { yes: ["p1", "p3", "p5"], no: ["p7"] };
    const result = count(byHousehold, roster, ballots);
    expect(result).toMatchObject({
      outcome: "passed", quorumReached: true,
      numbers: { eligible: 12, eligibleHouseholds: 6, attendees: 4, attendingHouseholds: 4, yes: 3, no: 1 },
    });
    expect(result.reason).toBe(
      "村民会议：应到 6 户（十八周岁以上村民 12 人），到会户代表 4 户，达到法定人数（三分之二以上的户派代表到会）；同意 3 票、反对 1 票、弃权 0 票，同意票超过到会人数的一半，通过。",
    );
    const perPerson = count(motion("villagers_assembly"), roster, ballots);
    expect(perPerson).toMatchObject({ outcome: "advisory", numbers: { eligibleHouseholds: null, attendingHouseholds: null } });
  });

  it("3 of 6 households is advisory, stating both alternatives", () => {
    const result = count(byHousehold, roster, { yes: ["p1", "p3", "p5"] });
    expect(result.outcome).toBe("advisory");
    expect(result.reason).toContain("未达到法定人数（须十八周岁以上村民超过半数到会，或者三分之二以上的户派代表到会）");
  });

  it("a household votes once, by its first voter; later household votes are ignored", () => {
    const votes = (["p2", "p1", "p3", "p5", "p7"] as const).map((memberId, i) => ({ memberId, choice: i === 1 ? "no" as const : "yes" as const }));
    const result = countMotion({ motion: byHousehold, roster, votes, checkIns: ["p9"], proxies: [] });
    expect(result.numbers).toMatchObject({ attendingHouseholds: 5, yes: 4, no: 0, ignoredVotes: 1 });
  });

  it("is refused where the law counts persons", () => {
    for (const [body, subjectKind] of [["members_assembly", "general"], ["representatives_assembly", "general"], ["villagers_assembly", "land_contracting"]] as const) {
      const spec = motion(body, { subjectKind, householdRoute: true });
      const validation = validateMotion(spec);
      expect(validation.ok).toBe(false);
      if (!validation.ok) expect(validation.reason).toContain("不能按户表决");
      expect(() => count(spec, roster)).toThrow(RangeError);
    }
  });
});

describe("村民代表会议 (≥2/3 attend; more than half of attendees approve)", () => {
  const reps = [...roll(12, "r", { roles: ["representative", "villager"] }), ...roll(3, "c", { roles: ["committee"] })];
  const assembly = motion("representatives_assembly");

  it("counts 村委会 members with the representatives and states the result", () => {
    const result = count(assembly, reps, { yes: idsOf(reps, 0, 7), no: idsOf(reps, 7, 11) });
    expect(result.reason).toBe(
      "村民代表会议：应到村民代表和村委会成员 15 人，到会 11 人，达到三分之二以上的法定人数；同意 7 票、反对 4 票、弃权 0 票，同意票超过到会人数的一半，通过。",
    );
  });

  it("exactly 2/3 (10 of 15) is a quorum; 9 is advisory", () => {
    expect(count(assembly, reps, { yes: idsOf(reps, 0, 10) }).outcome).toBe("passed");
    const advisory = count(assembly, reps, { yes: idsOf(reps, 0, 9) });
    expect(advisory.outcome).toBe("advisory");
    expect(advisory.reason).toContain("到会 9 人，未达到三分之二以上的法定人数，本次表决结果仅作征求意见");
  });

  it("land contracting counts the 村民代表 only and needs 2/3 of all of them", () => {
    const land = motion("representatives_assembly", { subjectKind: "land_contracting" });
    expect(eligibleVoters(land, reps)).toHaveLength(12);
    const general = count(assembly, reps, { yes: [...idsOf(reps, 0, 7), "c1", "c2", "c3"], no: idsOf(reps, 7, 11) });
    expect(general.outcome).toBe("passed");
    const strict = count(land, reps, { yes: [...idsOf(reps, 0, 7), "c1", "c2", "c3"], no: idsOf(reps, 7, 11) });
    expect(strict).toMatchObject({ outcome: "failed", numbers: { eligible: 12, yes: 7, ignoredVotes: 3 } });
    expect(count(land, reps, { yes: idsOf(reps, 0, 8) }).outcome).toBe("passed");
  });
});

describe("村民小组会议", () => {
  const roster = [
    ...roll(6, "a", { groupName: "一组" }), member("akid", { groupName: "一组", isAdult: false }), ...roll(4, "b", { groupName: "二组" }),
  ];
  const groupOne = motion("group_assembly", { groupName: "一组" });

  it("counts only the group's adults and needs 2/3 of them", () => {
    expect(eligibleVoters(groupOne, roster).map((m) => m.id)).toEqual(["a1", "a2", "a3", "a4", "a5", "a6"]);
    const result = count(groupOne, roster, { yes: ["a1", "a2", "a3", "b1", "b2"], checkIns: ["a4"] });
    expect(result).toMatchObject({ outcome: "passed", numbers: { eligible: 6, attendees: 4, yes: 3, ignoredVotes: 2 } });
    expect(count(groupOne, roster, { yes: ["a1", "a2", "a3"] }).outcome).toBe("advisory");
  });

  it("needs a group name", () => {
    const validation = validateMotion(motion("group_assembly"));
    expect(validation).toEqual({ ok: false, reason: "村民小组会议须指明是哪个村民小组。" });
  });
});

describe("成员代表大会", () => {
  const reps = roll(21, "r", { roles: ["member_representative"] });

  it("needs 2/3 of ALL representatives: 14 of 21 passes, 13 fails", () => {
    const assembly = motion("members_representatives_assembly");
    expect(count(assembly, reps, { yes: idsOf(reps, 0, 14), no: idsOf(reps, 14, 21) }).outcome).toBe("passed");
    expect(count(assembly, reps, { yes: idsOf(reps, 0, 13), no: idsOf(reps, 13, 21) }).outcome).toBe("failed");
  });

  it("refuses land contracting", () => {
    const land = motion("members_representatives_assembly", { subjectKind: "land_contracting" });
    expect(validateMotion(land)).toEqual({ ok: false, reason: expect.stringContaining("成员代表大会不得决定土地承包方案") });
    expect(() => count(land, reps)).toThrow(/成员代表大会不得决定土地承包方案/);
  });
});

describe("党员大会, 支委会, 两委会议", () => {
  const party = [...roll(10, "f", { roles: ["party_member"] }), ...roll(3, "p", { roles: ["probationary_party_member"] }),
    member("both", { roles: ["party_member", "probationary_party_member"] })];
  const assembly = motion("party_assembly");

  it("only full Party members vote; yes must exceed half of ALL of them", () => {
    expect(eligibleVoters(assembly, party)).toHaveLength(10);
    expect(checkVoter(assembly, party, "p1", [])).toEqual({ ok: false, reason: "not_eligible" });
    const fiveOfTen = count(assembly, party, { yes: [...idsOf(party, 0, 5), "p1", "p2", "both"], no: ["f6"] });
    expect(fiveOfTen).toMatchObject({ outcome: "failed", quorumReached: true, numbers: { attendees: 6, yes: 5, ignoredVotes: 3 } });
    expect(fiveOfTen.reason).toContain("同意票未超过全体有表决权的正式党员的一半");
    expect(count(assembly, party, { yes: idsOf(party, 0, 6) }).outcome).toBe("passed");
    expect(count(assembly, party, { yes: idsOf(party, 0, 5) }).outcome).toBe("advisory");
  });

  it("支委会 is the branch committee and the secretary, not the 村委会", () => {
    const roster = [member("s", { roles: ["secretary", "party_member"] }), ...roll(4, "bc", { roles: ["branch_committee"] }),
      member("vc", { roles: ["committee"] })];
    const branch = motion("branch_committee");
    expect(eligibleVoters(branch, roster)).toHaveLength(5);
    expect(count(branch, roster, { yes: ["s", "bc1", "bc2", "vc"] })).toMatchObject({ outcome: "passed", numbers: { ignoredVotes: 1 } });
    expect(count(branch, roster, { yes: ["s", "bc1"], no: ["bc2"] }).outcome).toBe("failed");
  });

  it("两委会议 counts each person once even with both committees' roles", () => {
    const roster = [member("s", { roles: ["secretary", "committee", "branch_committee"] }), ...roll(3, "vc", { roles: ["committee"] }),
      member("bc", { roles: ["branch_committee", "committee"] }), member("acc", { roles: ["accountant"] })];
    const result = count(motion("two_committees"), roster, { yes: ["s", "vc1", "vc2"], no: ["acc"] });
    expect(result).toMatchObject({ outcome: "passed", numbers: { eligible: 5, attendees: 3, yes: 3, ignoredVotes: 1 } });
    expect(result.rule.source).toBe("PRACTICE");
  });
});
