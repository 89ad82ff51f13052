import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  atLeast, chineseNumber, HALF, meetsThreshold, moreThan, ratioPortionText, ratioText, THREE_QUARTERS,
  thresholdText, TWO_THIRDS,
} from "../../src/domain/thresholds.ts";

describe("moreThan (超过 / 过半数)", () => {
  it("excludes exactly half: 5 of 10 is not 过半数", () => {
    expect(moreThan(5, HALF, 10)).toBe(false);
    expect(moreThan(6, HALF, 10)).toBe(true);
  });

  it("handles odd rolls: 5 of 9 is 过半数, 4 of 9 is not", () => {
    expect(moreThan(5, HALF, 9)).toBe(true);
    expect(moreThan(4, HALF, 9)).toBe(false);
  });

  it("handles a roll of 1 and an empty roll", () => {
    expect(moreThan(1, HALF, 1)).toBe(true);
    expect(moreThan(0, HALF, 1)).toBe(false);
    expect(moreThan(0, HALF, 0)).toBe(false);
  });
});

describe("atLeast (以上 / 不少于)", () => {
  it("includes exactly two thirds: 10 of 15", () => {
    expect(atLeast(10, TWO_THIRDS, 15)).toBe(true);
    expect(atLeast(9, TWO_THIRDS, 15)).toBe(false);
  });

  it("rounds two thirds of a non-multiple up: 7 of 10 passes, 6 of 10 does not", () => {
    expect(atLeast(7, TWO_THIRDS, 10)).toBe(true);
    expect(atLeast(6, TWO_THIRDS, 10)).toBe(false);
  });

  it("includes exactly three quarters: 15 of 20", () => {
    expect(atLeast(15, THREE_QUARTERS, 20)).toBe(true);
    expect(atLeast(14, THREE_QUARTERS, 20)).toBe(false);
  });

  it("is vacuously true on an empty base, which callers must guard", () => {
    expect(atLeast(0, TWO_THIRDS, 0)).toBe(true);
  });

  it("stays exact where float products would round (2^54 + 2^28 + 1 vs 2^54 + 2^28)", () => {
    const k = 2 ** 27;
    const ratio = { num: k, den: k + 1 };
    expect((k + 1) * (k + 1) > k * (k + 2)).toBe(false); // what a float comparison would wrongly say
    expect(moreThan(k + 1, ratio, k + 2)).toBe(true);
    expect(atLeast(k + 1, ratio, k + 2)).toBe(true);
    expect(atLeast(k, ratio, k + 2)).toBe(false);
  });
});

describe("meetsThreshold", () => {
  it("dispatches on the comparison", () => {
    expect(meetsThreshold("at_least", 5, HALF, 10)).toBe(true);
    expect(meetsThreshold("more_than", 5, HALF, 10)).toBe(false);
  });
});

describe("input validation", () => {
  it.each([
    [0.5, HALF, 10],
    [-1, HALF, 10],
    [1, HALF, 2.5],
    [1, HALF, Number.NaN],
    [1, HALF, Number.POSITIVE_INFINITY],
    [1, { num: 1, den: 0 }, 2],
    [1, { num: -1, den: 2 }, 2],
    [1, { num: 0.5, den: 1 }, 2],
  ])("rejects count=%s ratio=%o total=%s", (count, ratio, total) => {
    expect(() => atLeast(count, ratio, total)).toThrow(RangeError);
    expect(() => moreThan(count, ratio, total)).toThrow(RangeError);
  });
});

describe("zh-CN rendering", () => {
  it("names the statutory thresholds", () => {
    expect(thresholdText("more_than", HALF)).toBe("超过半数");
    expect(thresholdText("at_least", TWO_THIRDS)).toBe("三分之二以上");
    expect(thresholdText("at_least", THREE_QUARTERS)).toBe("四分之三以上");
    expect(thresholdText("at_least", HALF)).toBe("半数以上");
    expect(thresholdText("more_than", TWO_THIRDS)).toBe("超过三分之二");
  });

  it("recognises an unreduced half and names portions in running text", () => {
    expect(ratioText({ num: 2, den: 4 })).toBe("半数");
    expect(ratioPortionText(HALF)).toBe("一半");
    expect(ratioPortionText(TWO_THIRDS)).toBe("三分之二");
    expect(ratioText({ num: 4, den: 5 })).toBe("五分之四");
    expect(ratioText({ num: 1, den: 10 })).toBe("十分之一");
  });

  it("writes Chinese numerals", () => {
    expect([0, 7, 10, 12, 20, 35, 99, 100].map(chineseNumber)).toEqual(
      ["零", "七", "十", "十二", "二十", "三十五", "九十九", "100"],
    );
  });
});

describe("properties", () => {
  const ratio = fc.integer({ min: 1, max: 12 }).chain((den) =>
    fc.integer({ min: 0, max: den }).map((num) => ({ num, den })));
  const count = fc.nat({ max: 10_000 });

  it("agree with integer cross-multiplication and nest as expected", () => {
    fc.assert(fc.property(count, ratio, count, (c, r, t) => {
      expect(atLeast(c, r, t)).toBe(c * r.den >= r.num * t);
      expect(moreThan(c, r, t)).toBe(c * r.den > r.num * t);
      if (moreThan(c, r, t)) expect(atLeast(c, r, t)).toBe(true);
      expect(atLeast(c, r, t) && !moreThan(c, r, t)).toBe(c * r.den === r.num * t);
    }));
  });

  it("are monotone in the count", () => {
    fc.assert(fc.property(count, ratio, count, (c, r, t) => {
      if (atLeast(c, r, t)) expect(atLeast(c + 1, r, t)).toBe(true);
      if (moreThan(c, r, t)) expect(moreThan(c + 1, r, t)).toBe(true);
    }));
  });
});
