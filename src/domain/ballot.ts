export type BallotChoice = "yes" | "no" | "abstain";

export type BallotVote = { motionNumber: number | null; choice: BallotChoice };

export type BallotIntent =
  | { kind: "vote"; choices: BallotVote[]; comment?: string }
  | { kind: "comment"; text: string };

// ---------------------------------------------------------------- vocabulary

const CHOICE_WORDS: ReadonlyArray<readonly [string, BallotChoice]> = [
  ["同意", "yes"],
  ["赞成", "yes"],
  ["赞同", "yes"],
  ["支持", "yes"],
  ["不同意", "no"],
  ["不赞成", "no"],
  ["不赞同", "no"],
  ["不支持", "no"],
  ["反对", "no"],
  ["弃权", "abstain"],
];
const SUBJECTS = ["我们", "本人", "我"];
const CHOICE_PREFIXES = ["投"];
const INTENSIFIERS = ["非常", "完全", "坚决", "十分"];
const CHOICE_SUFFIXES = ["票"];
// Deliberately excludes 吗/吧/呢: "同意吗" is a question, not a vote.
const FINAL_PARTICLES = ["了", "的", "啊", "呀"];
const COMMENT_PREFIXES = ["意见", "建议", "评论", "留言", "备注"];
const MOTION_NOUNS = "(?:议题|议案|提案|事项|动议)";
const NUMBER = "(\\d{1,3}|[一二两三四五六七八九十]{1,3})";
const MOTION_REFS: readonly RegExp[] = [
  `#\\s*${NUMBER}\\s*号?`,
  `第\\s*${NUMBER}\\s*(?:项|个|号|条|件)?\\s*${MOTION_NOUNS}?`,
  `${MOTION_NOUNS}\\s*${NUMBER}\\s*号?`,
  `${NUMBER}\\s*号\\s*${MOTION_NOUNS}?`,
].map((source) => new RegExp(source, "y"));
const CHINESE_DIGITS: Record<string, number> = {
  一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const SEPARATOR = /[\s,;:.!?~、。—|/-]/u;
const REF_SEPARATOR = /[\s,:、.]/u;
// Emoji components are listed explicitly: \p{Emoji_Component} would also match digits and '#'.
const TRAILING_NOISE =
  /[\s\p{P}\p{S}\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0e\ufe0f\u20e3\u{E0020}-\u{E007F}]+$/u;

// ------------------------------------------------------------- normalisation

type Normalised = { text: string; rawIndex: number[]; body: string; tail: string };

/**
 * NFKC per code point (full-width → ASCII), keeping a map back to raw offsets
 * so an attached comment can be quoted exactly as the villager typed it.
 * `body` is the text without trailing punctuation/emoji/whitespace.
 */
function normalise(raw: string): Normalised {
  let text = "";
  const rawIndex: number[] = [];
  let offset = 0;
  for (const codePoint of raw) {
    const mapped = codePoint.normalize("NFKC");
    text += mapped;
    for (let i = 0; i < mapped.length; i++) rawIndex.push(offset);
    offset += codePoint.length;
  }
  rawIndex.push(raw.length);
  const body = text.replace(TRAILING_NOISE, "");
  return { text, rawIndex, body, tail: text.slice(body.length) };
}

// ------------------------------------------------------------------ matching

function parseNumber(token: string): number | null {
  if (/^\d+$/.test(token)) return Number(token) || null;
  if (token.length === 1 && token in CHINESE_DIGITS) return CHINESE_DIGITS[token];
  const match = /^([一二两三四五六七八九]?)十([一二三四五六七八九]?)$/.exec(token);
  if (!match) return null;
  const tens = match[1] ? CHINESE_DIGITS[match[1]] : 1;
  const units = match[2] ? CHINESE_DIGITS[match[2]] : 0;
  return tens * 10 + units;
}

function skipWord(s: string, pos: number, words: readonly string[]): number {
  const word = words.find((w) => s.startsWith(w, pos));
  return word ? pos + word.length : pos;
}

function skipWhile(s: string, pos: number, pattern: RegExp): number {
  while (pos < s.length && pattern.test(s[pos])) pos++;
  return pos;
}

function readMotionRef(s: string, pos: number): { motionNumber: number; end: number } | null {
  for (const pattern of MOTION_REFS) {
    pattern.lastIndex = pos;
    const match = pattern.exec(s);
    const motionNumber = match ? parseNumber(match[1]) : null;
    if (match && motionNumber !== null) return { motionNumber, end: pattern.lastIndex };
  }
  return null;
}

function readChoice(s: string, pos: number): { choice: BallotChoice; end: number } | null {
  let best: readonly [string, BallotChoice] | undefined;
  for (const entry of CHOICE_WORDS) {
    if (s.startsWith(entry[0], pos) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? { choice: best[1], end: pos + best[0].length } : null;
}

/** One "[subject] [motion ref] [投] [intensifier] choice [票] [particle]" clause. */
function readClause(s: string, start: number): { vote: BallotVote; end: number } | null {
  let pos = skipWhile(s, skipWord(s, start, SUBJECTS), /\s/);
  let motionNumber: number | null = null;
  const ref = readMotionRef(s, pos);
  if (ref) {
    motionNumber = ref.motionNumber;
    pos = skipWhile(s, ref.end, REF_SEPARATOR);
  }
  pos = skipWord(s, skipWord(s, pos, CHOICE_PREFIXES), INTENSIFIERS);
  const choice = readChoice(s, pos);
  if (!choice) return null;
  const end = skipWord(s, skipWord(s, choice.end, CHOICE_SUFFIXES), FINAL_PARTICLES);
  return { vote: { motionNumber, choice: choice.choice }, end };
}

/** A clause only counts if it is followed by the end, a separator or another clause. */
function readBoundedClause(s: string, start: number): { vote: BallotVote; end: number } | null {
  const clause = readClause(s, start);
  if (!clause) return null;
  const { end } = clause;
  const bounded = end === s.length || SEPARATOR.test(s[end]) || readClause(s, end) !== null;
  return bounded ? clause : null;
}

type Scan = { votes: BallotVote[]; remainderStart: number | null };

function scanVotes(body: string): Scan | null {
  const first = readBoundedClause(body, skipWhile(body, 0, /\s/));
  if (!first) return null;
  const votes = [first.vote];
  let pos = first.end;
  for (;;) {
    const separatorEnd = skipWhile(body, pos, SEPARATOR);
    if (body.slice(pos, separatorEnd).includes("?")) return null;
    if (separatorEnd === body.length) return { votes, remainderStart: null };
    const next = readBoundedClause(body, separatorEnd);
    if (next) {
      votes.push(next.vote);
      pos = next.end;
    } else {
      // Text glued to a vote without a separator ("同意吗") is not a vote.
      return separatorEnd === pos ? null : { votes, remainderStart: separatorEnd };
    }
  }
}

/** Drops exact repeats; conflicting or mixed (bare + numbered) votes are ambiguous. */
function resolveVotes(votes: BallotVote[]): BallotVote[] | null {
  const byMotion = new Map<number | null, BallotChoice>();
  for (const { motionNumber, choice } of votes) {
    const previous = byMotion.get(motionNumber);
    if (previous !== undefined && previous !== choice) return null;
    byMotion.set(motionNumber, choice);
  }
  if (byMotion.has(null) && byMotion.size > 1) return null;
  return [...byMotion].map(([motionNumber, choice]) => ({ motionNumber, choice }));
}

// ------------------------------------------------------------------- parsing

function interpret(raw: string): BallotIntent {
  const comment: BallotIntent = { kind: "comment", text: raw.trim() };
  const { body, tail, rawIndex } = normalise(raw);
  const start = skipWhile(body, 0, /\s/);
  if (COMMENT_PREFIXES.some((prefix) => body.startsWith(prefix, start))) return comment;

  const scan = scanVotes(body);
  if (!scan) return comment;
  if (scan.remainderStart === null && tail.includes("?")) return comment;
  const choices = resolveVotes(scan.votes);
  if (!choices) return comment;
  if (scan.remainderStart === null) return { kind: "vote", choices };
  return { kind: "vote", choices, comment: raw.slice(rawIndex[scan.remainderStart]).trim() };
}

/** Reads a chat message as a vote or a comment. Never throws. */
export function parseBallot(text: string): BallotIntent {
  const raw = typeof text === "string" ? text : "";
  try {
    return interpret(raw);
  } catch {
    return { kind: "comment", text: raw.trim() };
  }
}
