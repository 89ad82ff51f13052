import { describe, expect, it } from "vitest";
import { decideSimpleMajority, tallyVotes } from "../../src/domain/tally.ts";

describe("tallyVotes", () => {
  it("counts each choice", () => {
    expect(tallyVotes(["yes", "no", "yes", "abstain", "yes"])).toEqual({ yes: 3, no: 1, abstain: 1, total: 5 });
  });

  it("handles no votes", () => {
    expect(tallyVotes([])).toEqual({ yes: 0, no: 0, abstain: 0, total: 0 });
  });
});

describe("decideSimpleMajority", () => {
  const decide = (yes: number, no: number, abstain: number) =>
    decideSimpleMajority({ yes, no, abstain, total: yes + no + abstain });

  it("passes with more than half yes", () => {
    expect(decide(3, 2, 0)).toBe("passed");
    expect(decide(1, 0, 0)).toBe("passed");
    expect(decide(51, 49, 0)).toBe("passed");
  });

  it("fails at exactly half", () => {
    expect(decide(2, 2, 0)).toBe("failed");
    expect(decide(5, 3, 2)).toBe("failed");
  });

  it("counts abstentions as votes cast", () => {
    expect(decide(3, 1, 2)).toBe("failed");
    expect(decide(4, 1, 2)).toBe("passed");
  });

  it("fails with no votes or no yes", () => {
    expect(decide(0, 0, 0)).toBe("failed");
    expect(decide(0, 0, 3)).toBe("failed");
  });

  it("works end to end with tallyVotes", () => {
    expect(decideSimpleMajority(tallyVotes(["yes", "yes", "no"]))).toBe("passed");
    expect(decideSimpleMajority(tallyVotes(["yes", "no", "abstain"]))).toBe("failed");
  });
});
