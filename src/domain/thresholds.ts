/**
 * Legal thresholds as integer predicates (domain.md §0.3): 以上/不少于 include the boundary,
 * 超过/过半数 exclude it. Nothing here divides; a ratio is only ever cross-multiplied.
 */

export type Ratio = { readonly num: number; readonly den: number };

export type Comparison = "at_least" | "more_than";

export const HALF: Ratio = { num: 1, den: 2 };
export const TWO_THIRDS: Ratio = { num: 2, den: 3 };
export const THREE_QUARTERS: Ratio = { num: 3, den: 4 };

function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function requireRatio(ratio: Ratio): void {
  requireCount("ratio.num", ratio.num);
  requireCount("ratio.den", ratio.den);
  if (ratio.den === 0) throw new RangeError("ratio.den must be positive");
}

// BigInt keeps count*den exact even past 2^53, so the predicates never depend on float rounding.
function crossProducts(count: number, ratio: Ratio, total: number): [bigint, bigint] {
  requireCount("count", count);
  requireCount("total", total);
  requireRatio(ratio);
  return [BigInt(count) * BigInt(ratio.den), BigInt(ratio.num) * BigInt(total)];
}

/** 以上 / 不少于: count ≥ ratio × total. */
export function atLeast(count: number, ratio: Ratio, total: number): boolean {
  const [left, right] = crossProducts(count, ratio, total);
  return left >= right;
}

/** 超过 / 过半数: count > ratio × total. */
export function moreThan(count: number, ratio: Ratio, total: number): boolean {
  const [left, right] = crossProducts(count, ratio, total);
  return left > right;
}

export function meetsThreshold(comparison: Comparison, count: number, ratio: Ratio, total: number): boolean {
  return comparison === "at_least" ? atLeast(count, ratio, total) : moreThan(count, ratio, total);
}

const DIGITS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** Chinese numerals for 0–99; larger numbers stay in Arabic digits, which villagers read just as well. */
export function chineseNumber(value: number): string {
  requireCount("value", value);
  if (value < 10) return DIGITS[value];
  if (value >= 100) return String(value);
  const [tens, ones] = String(value).split("").map(Number);
  return `${tens === 1 ? "" : DIGITS[tens]}十${ones === 0 ? "" : DIGITS[ones]}`;
}

function sameRatio(a: Ratio, b: Ratio): boolean {
  return a.num * b.den === b.num * a.den;
}

/** "半数" for 1/2, otherwise "三分之二", "四分之三", … */
export function ratioText(ratio: Ratio): string {
  requireRatio(ratio);
  if (sameRatio(ratio, HALF)) return "半数";
  return `${chineseNumber(ratio.den)}分之${chineseNumber(ratio.num)}`;
}

/** "一半" in running text ("超过到会人数的一半"), otherwise the same as ratioText. */
export function ratioPortionText(ratio: Ratio): string {
  return sameRatio(ratio, HALF) ? "一半" : ratioText(ratio);
}

/** "超过半数", "三分之二以上", "四分之三以上", "半数以上", "超过三分之二". */
export function thresholdText(comparison: Comparison, ratio: Ratio): string {
  const text = ratioText(ratio);
  return comparison === "at_least" ? `${text}以上` : `超过${text}`;
}
