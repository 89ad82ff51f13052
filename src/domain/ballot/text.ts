import type { MatchSpan } from "./types.ts";

/**
 * The message after NFKC per code point (full-width → ASCII, U+3000 → space, … → ...), with maps back to the
 * raw offsets. `body` drops leading whitespace/opening brackets and trailing whitespace/punctuation/emoji
 * (except 👍, which is a vote); `tail` is what was dropped at the end.
 */
export type Normalised = {
  raw: string;
  text: string;
  body: string;
  bodyStart: number;
  tail: string;
  /** raw offset where the code point producing text[i] starts; startOf[text.length] === raw.length */
  startOf: number[];
  /** raw offset where the code point producing text[i] ends */
  endOf: number[];
};

const THUMBS_UP = 0x1f44d;
const LEADING_NOISE = /^[\s\p{Ps}\p{Pi}]$/u;
// Emoji components are listed explicitly: \p{Emoji_Component} would also match digits and '#'.
const TRAILING_NOISE =
  /^[\s\p{P}\p{S}\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0e\ufe0f\u20e3\u{E0020}-\u{E007F}]$/u;

export function normalise(raw: string): Normalised {
  let text = "";
  const startOf: number[] = [];
  const endOf: number[] = [];
  let offset = 0;
  for (const codePoint of raw) {
    const mapped = codePoint.normalize("NFKC");
    text += mapped;
    for (let i = 0; i < mapped.length; i++) {
      startOf.push(offset);
      endOf.push(offset + codePoint.length);
    }
    offset += codePoint.length;
  }
  startOf.push(raw.length);

  let start = 0;
  while (start < text.length && LEADING_NOISE.test(text[start])) start++;
  let end = text.length;
  while (end > start) {
    const low = text.charCodeAt(end - 1);
    const high = end - 2 >= start ? text.charCodeAt(end - 2) : 0;
    const width = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
    const codePoint = text.codePointAt(end - width) ?? 0;
    if (codePoint === THUMBS_UP || !TRAILING_NOISE.test(String.fromCodePoint(codePoint))) break;
    end -= width;
  }
  return { raw, text, body: text.slice(start, end), bodyStart: start, tail: text.slice(end), startOf, endOf };
}

/** The span of body[start, end) in the raw text. */
export function spanOf(n: Normalised, start: number, end: number, role: MatchSpan["role"]): MatchSpan {
  const rawStart = n.startOf[n.bodyStart + start];
  const rawEnd = Math.max(rawStart, n.endOf[n.bodyStart + end - 1] ?? rawStart);
  return { start: rawStart, end: rawEnd, text: n.raw.slice(rawStart, rawEnd), role };
}

/** The raw text from body[start] to the end of the message, as typed (trimmed), with its span. */
export function restOf(n: Normalised, start: number, role: MatchSpan["role"]): MatchSpan {
  const rawStart = n.startOf[n.bodyStart + start];
  const rawEnd = Math.max(rawStart, n.raw.trimEnd().length);
  return { start: rawStart, end: rawEnd, text: n.raw.slice(rawStart, rawEnd), role };
}

export function skipWhile(s: string, pos: number, pattern: RegExp): number {
  while (pos < s.length && pattern.test(s[pos])) pos++;
  return pos;
}

/** The end of the longest of `words` found at `pos`, or null. */
export function matchWord(s: string, pos: number, words: readonly string[]): number | null {
  let best: number | null = null;
  for (const word of words) {
    if (s.startsWith(word, pos) && (best === null || pos + word.length > best)) best = pos + word.length;
  }
  return best;
}

export function skipWord(s: string, pos: number, words: readonly string[]): number {
  return matchWord(s, pos, words) ?? pos;
}
