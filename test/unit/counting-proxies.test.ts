import { describe, expect, it } from "vitest";
import { count, idsOf, member, motion, roll } from "../helpers/roster.ts";
import { checkProxy, eligibleVoters, type ProxyGrant } from "../../src/domain/counting.ts";


describe("集体经济组织成员大会 (≥2/3 attend; ≥2/3 of ALL members approve)", () => {
  const roles = ["collective_member", "villager"];
  // Households A (a1, a2, minor), B (b1, b2), C (c1, c2): 6 adult members.
  const roster = [
    member("a1", { householdId: "A", roles }), member("a2", { householdId: "A", roles }), member("akid", { householdId: "A", roles, isAdult: false }),
    member("b1", { householdId: "B", roles }), member("b2", { householdId: "B", roles }),
    member("c1", { householdId: "C", roles }), member("c2", { householdId: "C", roles }),
  ];
  const assembly = motion("members_assembly");

  it("excludes minors and measures approval against all members, not attendees", () => {
    expect(eligibleVoters(assembly, roster)).toHaveLength(6);
    expect(count(assembly, roster, { yes: ["a1", "b1", "c1", "c2"] }).outcome).toBe("passed");
    const allAttendeesYes = count(assembly, roster, { yes: ["a1", "b1", "c1"], checkIns: ["c2"] });
    expect(allAttendeesYes).toMatchObject({ outcome: "failed", quorumReached: true });
    expect(allAttendeesYes.reason).toContain("同意票未达到全体集体经济组织成员的三分之二");
  });

  it("a proxy holder who attends carries the grantor's attendance and vote", () => {
    const result = count(assembly, roster, { yes: ["a1", "b1", "c1"], proxies: [{ grantorId: "a2", holderId: "a1" }] });
    expect(result).toMatchObject({ outcome: "passed", numbers: { attendees: 4, yes: 4, byProxy: 1 } });
    expect(result.reason).toContain("到会 4 人（含书面委托 1 人）");
  });

  it("a grantor who votes himself voids the proxy", () => {
    const result = count(assembly, roster, { yes: ["a1", "b1", "c1"], no: ["a2"], proxies: [{ grantorId: "a2", holderId: "a1" }] });
    expect(result).toMatchObject({ outcome: "failed", numbers: { attendees: 4, yes: 3, no: 1, byProxy: 0 } });
  });

  it("a proxy counts for nothing when the holder is absent, and attendance only when the holder just checked in", () => {
    const absent = count(assembly, roster, { yes: ["b1", "c1"], proxies: [{ grantorId: "a2", holderId: "a1" }] });
    expect(absent.numbers).toMatchObject({ attendees: 2, yes: 2, byProxy: 0 });
    const checkedIn = count(assembly, roster, { yes: ["b1", "c1"], checkIns: ["a1"], proxies: [{ grantorId: "a2", holderId: "a1" }] });
    expect(checkedIn.numbers).toMatchObject({ attendees: 4, yes: 2, byProxy: 1 });
  });

  it("ignores inadmissible proxies when counting (second proxy to one holder, other household)", () => {
    const proxies = [{ grantorId: "b2", holderId: "b1" }, { grantorId: "b2", holderId: "a1" }, { grantorId: "c2", holderId: "a1" }];
    const result = count(assembly, roster, { yes: ["a1", "b1", "c1"], proxies });
    expect(result.numbers).toMatchObject({ attendees: 4, yes: 4, byProxy: 1 });
  });

  it("checkProxy enforces same household, eligibility, one per holder and one per grantor", () => {
    const check = (grantorId: string, holderId: string, existing: ProxyGrant[] = []) => checkProxy(assembly, roster, grantorId, holderId, existing);
    expect(check("a2", "a1")).toEqual({ ok: true });
    expect(check("a2", "b1")).toEqual({ ok: false, reason: "受托人须与委托人同户。" });
    expect(check("a2", "a2")).toEqual({ ok: false, reason: "委托人和受托人不能是同一人。" });
    expect(check("a2", "akid")).toEqual({ ok: false, reason: "受托人不是本次会议有表决权的人员。" });
    expect(check("akid", "a1")).toEqual({ ok: false, reason: "委托人不是本次会议有表决权的人员。" });
    expect(check("a2", "a1", [{ grantorId: "a2", holderId: "a1" }]).ok).toBe(false);
    expect(check("a2", "a1", [{ grantorId: "x", holderId: "a1" }])).toEqual({ ok: false, reason: "每名受托人最多接受 1 份委托，该受托人已达上限。" });
    expect(check("a1", "a2", [{ grantorId: "a2", holderId: "b9" }])).toEqual({ ok: false, reason: "受托人本人已委托他人表决，不能再接受委托。" });
    expect(check("a1", "a2", [{ grantorId: "b9", holderId: "a1" }])).toEqual({ ok: false, reason: "委托人已接受他人委托，不能再委托他人。" });
  });

  it("land contracting uses the same arithmetic", () => {
    const land = motion("members_assembly", { subjectKind: "land_contracting" });
    expect(count(land, roster, { yes: ["a1", "b1", "c1", "c2"] }).outcome).toBe("passed");
    expect(count(land, roster, { yes: ["a1", "b1", "c1"], no: ["c2"] }).outcome).toBe("failed");
  });

  it("benefits for non-members need 3/4 of all members: 15 of 20 passes, 14 fails", () => {
    const twenty = roll(20, "m", { roles: ["collective_member"] });
    const benefits = motion("members_assembly", { subjectKind: "non_member_benefits" });
    expect(count(benefits, twenty, { yes: idsOf(twenty, 0, 15), no: idsOf(twenty, 15, 20) }).outcome).toBe("passed");
    const failed = count(benefits, twenty, { yes: idsOf(twenty, 0, 14), no: idsOf(twenty, 14, 20) });
    expect(failed.outcome).toBe("failed");
    expect(failed.reason).toContain("同意票未达到全体集体经济组织成员的四分之三");
    expect(count(assembly, twenty, { yes: idsOf(twenty, 0, 14), no: idsOf(twenty, 14, 20) }).outcome).toBe("passed");
  });
});

describe("no proxies for 村民会议 and 村民代表会议", () => {
  it.each([["villagers_assembly", "村民会议"], ["representatives_assembly", "村民代表会议"]])("%s refuses with a zh reason", (body, label) => {
    const roster = [member("x1", { householdId: "H", roles: ["villager", "representative"] }), member("x2", { householdId: "H", roles: ["villager", "representative"] })];
    const check = checkProxy(motion(body), roster, "x2", "x1", []);
    expect(check).toEqual({ ok: false, reason: expect.stringContaining(`${label}不接受委托表决`) });
    const result = count(motion(body), roster, { yes: ["x1"], proxies: [{ grantorId: "x2", holderId: "x1" }] });
    expect(result.numbers).toMatchObject({ attendees: 1, yes: 1, byProxy: 0 });
  });
});
