import { skipWhile, matchWord } from "./text.ts";
import { CHINESE_DIGITS, MOTION_MEASURES, MOTION_NOUNS, REF_JOINERS } from "./vocabulary.ts";

/** One motion reference ("2号", "第二项", "议题3", "#2", "第1、2项") or a bare number ("1" in "1、2同意"). */
export type RefGroup = { numbers: number[]; start: number; end: number; bare: boolean };

type NumberToken = { value: number; end: number; bareable: boolean };

const NUMBER = /(\d{1,3}(?!\d)|[一二两三四五六七八九十]{1,3})/y;
/** Bounds the work per position, so that scanning a long message stays linear. */
const MAX_REFS = 20;
const SPACE = /\s/u;

function parseNumber(token: string): number | null {
  if (/^\d+$/.test(token)) return Number(token) || null;
  if (token.length === 1 && token in CHINESE_DIGITS) return CHINESE_DIGITS[token];
  const match = /^([一二两三四五六七八九]?)十([一二三四五六七八九]?)$/.exec(token);
  if (!match) return null;
  const tens = match[1] ? CHINESE_DIGITS[match[1]] : 1;
  const units = match[2] ? CHINESE_DIGITS[match[2]] : 0;
  return tens * 10 + units;
}

function readNumber(s: string, pos: number): NumberToken | null {
  NUMBER.lastIndex = pos;
  const match = NUMBER.exec(s);
  const value = match ? parseNumber(match[1]) : null;
  if (!match || value === null) return null;
  // Only 1–2 ASCII digits may stand without 号/第/#: "138" or "12万" must not become motion numbers.
  return { value, end: NUMBER.lastIndex, bareable: /^\d{1,2}$/.test(match[1]) };
}

/** "1、2", "一和二": numbers joined by an explicit joiner (not bare whitespace). */
function readNumberList(s: string, pos: number): { numbers: number[]; end: number; bareable: boolean } | null {
  const first = readNumber(s, pos);
  if (!first) return null;
  const numbers = [first.value];
  let { end, bareable } = first;
  while (numbers.length < MAX_REFS) {
    const joiner = skipWhile(s, end, SPACE);
    if (!REF_JOINERS.test(s[joiner] ?? "")) break;
    const next = readNumber(s, skipWhile(s, joiner + 1, SPACE));
    if (!next) break;
    numbers.push(next.value);
    end = next.end;
    bareable &&= next.bareable;
  }
  return { numbers, end, bareable };
}

function optional(s: string, pos: number, words: readonly string[]): number {
  const after = skipWhile(s, pos, SPACE);
  return matchWord(s, after, words) ?? pos;
}

export function readRefGroup(s: string, start: number): RefGroup | null {
  const group = (numbers: number[], end: number, bare = false): RefGroup => ({ numbers, start, end, bare });
  if (s[start] === "#") {
    const list = readNumberList(s, skipWhile(s, start + 1, SPACE));
    return list ? group(list.numbers, optional(s, list.end, ["号"])) : null;
  }
  if (s[start] === "第") {
    const list = readNumberList(s, skipWhile(s, start + 1, SPACE));
    if (!list) return null;
    // "第三个议题" is motion 3, but "我第一个同意" means "I am the first to agree": 个 needs the noun.
    const measured = optional(s, list.end, MOTION_MEASURES);
    const counted = optional(s, list.end, ["个"]);
    const noun = optional(s, counted, MOTION_NOUNS);
    return group(list.numbers, counted !== list.end && noun !== counted ? noun : optional(s, measured, MOTION_NOUNS));
  }
  const noun = matchWord(s, start, MOTION_NOUNS);
  if (noun !== null) {
    const list = readNumberList(s, skipWhile(s, noun, SPACE));
    return list ? group(list.numbers, optional(s, list.end, ["号"])) : null;
  }
  const list = readNumberList(s, start);
  if (!list) return null;
  const mark = optional(s, list.end, ["号"]);
  if (mark !== list.end) return group(list.numbers, optional(s, mark, MOTION_NOUNS));
  return list.bareable ? group(list.numbers, list.end, true) : null;
}

/** Reference groups joined by 、/和/spaces or nothing: "1号、2号", "一号二号", "1 2". */
export function readRefList(s: string, pos: number): RefGroup[] {
  const first = readRefGroup(s, pos);
  if (!first) return [];
  const groups = [first];
  let count = first.numbers.length;
  while (count < MAX_REFS) {
    let next = skipWhile(s, groups[groups.length - 1].end, SPACE);
    if (REF_JOINERS.test(s[next] ?? "")) next = skipWhile(s, next + 1, SPACE);
    const group = readRefGroup(s, next);
    if (!group) return groups;
    groups.push(group);
    count += group.numbers.length;
  }
  return groups;
}
