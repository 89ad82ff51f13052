import { readRefGroup, readRefList, type RefGroup } from "./refs.ts";
import { matchWord, restOf, skipWhile, skipWord, spanOf, type Normalised } from "./text.ts";
import type { BallotChoice, BallotIntent, BallotVote, MatchSpan } from "./types.ts";
import {
  ADVERBS, ALL_QUANTIFIERS, CHOICE_PREFIXES, CHOICE_SUFFIXES, CHOICE_WORDS, COMMENT_OPENERS, FINAL_PARTICLES,
  INTENSIFIERS, OTHER_MOTIONS, PREPOSITIONS, QUESTION_PARTICLES, REF_QUANTIFIERS, SUBJECTS, type ChoiceWord,
} from "./vocabulary.ts";

/** "[我][也] [对] [motion refs] [都] [投][坚决] choice [票][了]", or "[我] 全部/都 choice" (all motions). */
type Clause = {
  start: number;
  end: number;
  refs: RefGroup[];
  all: { start: number; end: number } | null;
  choice: ChoiceWord;
  choiceStart: number;
  choiceEnd: number;
};

const SPACE = /\s/u;
// Emoji between or after clauses are decoration: "都同意👍", "同意😊但是…", "2号反对👍3号同意".
const SEPARATOR = /^[\s,;:.!?~、。—|/\-\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0e\ufe0f\u20e3]$/u;
const REF_SEPARATOR = /[\s,:、.)]/u;
/** The characters a motion reference can start with (#, 第, digits, numerals, 议题/提案/事项/动议/决议). */
const REF_START = /[#第\d一二两三四五六七八九十议提事动决]/u;
const QUESTION_ONLY = new RegExp(`^(?:${QUESTION_PARTICLES.join("|")}|[\\s?])+$`, "u");

function isSeparatorAt(s: string, pos: number): boolean {
  const codePoint = s.codePointAt(pos);
  return codePoint !== undefined && SEPARATOR.test(String.fromCodePoint(codePoint));
}

function skipSeparators(s: string, pos: number): number {
  while (isSeparatorAt(s, pos)) pos += (s.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
  return pos;
}

function skipAdverbs(s: string, pos: number): number {
  for (let i = 0; i < 2; i++) pos = skipWhile(s, skipWord(s, pos, ADVERBS), SPACE);
  return pos;
}

function readChoice(s: string, pos: number): ChoiceWord | null {
  let best: ChoiceWord | null = null;
  for (const entry of CHOICE_WORDS) {
    if (s.startsWith(entry.word, pos) && (!best || entry.word.length > best.word.length)) best = entry;
  }
  return best;
}

function readClause(s: string, start: number): Clause | null {
  let pos = skipAdverbs(s, skipWhile(s, skipWord(s, start, SUBJECTS), SPACE));
  const preposition = matchWord(s, pos, PREPOSITIONS);
  if (preposition !== null && readRefGroup(s, skipWhile(s, preposition, SPACE))) pos = skipWhile(s, preposition, SPACE);
  const refs = readRefList(s, pos);
  let all: Clause["all"] = null;
  if (refs.length > 0) {
    pos = skipWhile(s, refs[refs.length - 1].end, REF_SEPARATOR);
    pos = skipAdverbs(s, skipWhile(s, skipWord(s, pos, SUBJECTS), SPACE));
    pos = skipWord(s, pos, REF_QUANTIFIERS);
  } else {
    const quantifier = matchWord(s, pos, ALL_QUANTIFIERS);
    if (quantifier !== null) all = { start: pos, end: quantifier };
    pos = quantifier ?? pos;
  }
  pos = skipAdverbs(s, pos);
  pos = skipWord(s, skipWord(s, pos, CHOICE_PREFIXES), INTENSIFIERS);
  const choice = readChoice(s, pos);
  if (!choice) return null;
  const choiceEnd = pos + choice.word.length;
  const end = choice.bare ? choiceEnd : skipWord(s, skipWord(s, choiceEnd, CHOICE_SUFFIXES), FINAL_PARTICLES);
  return { start, end, refs, all, choice, choiceStart: pos, choiceEnd };
}

/** A clause only counts if followed by the end, a separator, another clause or a comment opener ("但…"). */
function readBoundedClause(s: string, start: number): Clause | null {
  const clause = readClause(s, start);
  if (!clause) return null;
  const { end } = clause;
  const bounded =
    end === s.length || isSeparatorAt(s, end) || readClause(s, end) !== null || matchWord(s, end, COMMENT_OPENERS) !== null;
  return bounded ? clause : null;
}

type Scan = { clauses: Clause[]; remainderStart: number | null };

function scanClauses(s: string): Scan | null {
  const first = readBoundedClause(s, 0);
  if (!first) return null;
  const clauses = [first];
  let pos = first.end;
  for (;;) {
    const separatorEnd = skipSeparators(s, pos);
    if (s.slice(pos, separatorEnd).includes("?")) return null;
    if (separatorEnd === s.length) return { clauses, remainderStart: null };
    const next = readBoundedClause(s, separatorEnd);
    if (next) {
      clauses.push(next);
      pos = next.end;
      continue;
    }
    // Text glued to a vote ("同意吗", "同意一下") is not a vote, unless it opens a comment ("同意但…").
    if (separatorEnd === pos && matchWord(s, pos, COMMENT_OPENERS) === null) return null;
    return { clauses, remainderStart: separatorEnd };
  }
}

/**
 * "同意 吗", "同意 2号", "同意，2", "1号同意，其他反对", "同意，但是2号反对" are not a vote followed by a comment:
 * the rest is only a question particle, only a motion reference, speaks of the other motions, or votes on a
 * numbered motion itself. "2号反对，2号的预算太高了" keeps its comment.
 */
function remainderIsUnsafe(s: string, start: number): boolean {
  if (QUESTION_ONLY.test(s.slice(start)) || matchWord(s, start, OTHER_MOTIONS) !== null) return true;
  const ref = readRefGroup(s, start);
  if (ref !== null && (ref.end === s.length || isSeparatorAt(s, ref.end))) return true;
  for (let pos = start; pos < s.length; pos++) {
    if (REF_START.test(s[pos]) && (readClause(s, pos)?.refs.length ?? 0) > 0) return true;
  }
  return false;
}

/** Drops exact repeats; conflicting or mixed (bare + numbered) votes are ambiguous. */
function resolveVotes(clauses: Clause[]): BallotVote[] | null {
  const byMotion = new Map<number | null, BallotChoice>();
  for (const clause of clauses) {
    const numbers = clause.refs.length > 0 ? clause.refs.flatMap((ref) => ref.numbers) : [null];
    for (const motionNumber of numbers) {
      const previous = byMotion.get(motionNumber);
      if (previous !== undefined && previous !== clause.choice.choice) return null;
      byMotion.set(motionNumber, clause.choice.choice);
    }
  }
  if (byMotion.has(null) && byMotion.size > 1) return null;
  return [...byMotion].map(([motionNumber, choice]) => ({ motionNumber, choice }));
}

/** 可以 is a yes only as the whole message ("可以") or after a motion reference ("2号可以"). */
function weakChoiceIsSafe(s: string, clauses: Clause[], remainderStart: number | null): boolean {
  return clauses.every(
    (c) =>
      !c.choice.weak ||
      (c.refs.length > 0 && !c.all) ||
      (clauses.length === 1 && remainderStart === null && c.choiceStart === 0 && c.choiceEnd === s.length),
  );
}

function spansOf(n: Normalised, clauses: Clause[], remainderStart: number | null): MatchSpan[] {
  const spans: MatchSpan[] = [];
  for (const clause of clauses) {
    for (const ref of clause.refs) spans.push(spanOf(n, ref.start, ref.end, "motion"));
    if (clause.all) spans.push(spanOf(n, clause.all.start, clause.all.end, "motion"));
    spans.push(spanOf(n, clause.choiceStart, clause.choiceEnd, "choice"));
  }
  if (remainderStart !== null) spans.push(restOf(n, remainderStart, "comment"));
  return spans;
}

/** Whether the message starts with something that reads as a vote clause (used for the ambiguous flag). */
export function startsLikeVote(body: string): boolean {
  return readClause(body, 0) !== null;
}

/** The message as a vote on numbered/unnumbered motions or on all of them, or null when it is not safely one. */
export function readVotes(n: Normalised): Extract<BallotIntent, { kind: "vote" | "all" }> | null {
  const s = n.body;
  const scan = scanClauses(s);
  if (!scan) return null;
  const { clauses, remainderStart } = scan;
  if (remainderStart === null && n.tail.includes("?")) return null;
  if (remainderStart !== null && remainderIsUnsafe(s, remainderStart)) return null;
  if (!weakChoiceIsSafe(s, clauses, remainderStart)) return null;
  const spans = spansOf(n, clauses, remainderStart);
  const comment = remainderStart === null ? undefined : spans[spans.length - 1].text;
  const withComment = <T extends object>(intent: T) => (comment === undefined ? intent : { ...intent, comment });

  if (clauses.some((clause) => clause.all)) {
    // "全部同意" stands alone: "全部同意 3号反对" mixes two scopes and is not safe to count.
    const choice = clauses[0].choice.choice;
    if (!clauses.every((c) => c.all && c.choice.choice === choice)) return null;
    return withComment({ kind: "all" as const, choice, spans });
  }
  const choices = resolveVotes(clauses);
  return choices ? withComment({ kind: "vote" as const, choices, spans }) : null;
}
