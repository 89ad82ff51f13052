import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBallot, type BallotIntent, type MatchSpan } from "../../src/domain/ballot.ts";

const RUNS = { numRuns: 1000 };

/** Everything that may make a message count as a vote, listed independently of the parser. */
const VOTE_WORDS = ["同意", "赞成", "赞同", "支持", "通过", "可以", "意见", "反对", "不行", "弃权", "👍"];
const perCodePointNfkc = (text: string) => [...text].map((c) => c.normalize("NFKC")).join("");
const hasVoteSignal = (text: string) => {
  const normalised = perCodePointNfkc(text);
  return /[0-9]/.test(normalised) || VOTE_WORDS.some((word) => normalised.includes(word));
};

/** Pieces villagers type, including near misses of the vote words (同, 意, 反…) and the vote words themselves. */
const PIECES = [
  "同意", "赞成", "支持", "通过", "可以", "没意见", "没有", "意见", "反对", "不同意", "不行", "弃权", "👍", "👍🏽",
  "同", "意", "赞", "反", "对", "弃", "权", "不", "没", "有", "行", "可", "以", "支", "持", "通", "过",
  "号", "第", "项", "个", "议题", "提案", "#", "全部", "都", "以上", "我", "也", "投", "票", "了", "的", "吗", "吧",
  "但", "建议", "签到", "到", "请假", "绑定", "查询", "结果", "好的", "收到", "一", "二", "两", "三", "十",
  "1", "2", "3", "12", "１", "２", "３", "0", "+", "万", "元",
  "，", "。", "、", "；", "：", ",", ".", ":", "?", "？", "!", "！", "～", "…", "(", "（", "【", "】",
  " ", "  ", "\n", "\t", "\u3000", "😀", "👎", "👌", "❤️", "🙏", "\u200d", "\ufe0f",
];
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 3 }) },
);
const randomMessage = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(""));
/** Messages shaped like ballots, so that a good share of the runs exercise the vote paths. */
const ballotLike = fc
  .tuple(
    fc.constantFrom("", "我", "我也", "2号", "第二项 ", "议题3", "#3 ", "1、2", "１、２", "全部", "都", "对2号", "12"),
    fc.constantFrom("同意", "反对", "不同意", "弃权", "可以", "没意见", "不行", "通过", "👍", "1", "2", "3", "２"),
    fc.constantFrom("", "！", "。", "了", "，但建议早点", " 3号反对", "👍", "?", "吗", " 2", "\n意见：太贵", "ABC", "（1）"),
    fc.constantFrom("", " ", "\u3000", "\n", "…"),
  )
  .map((parts) => parts.join(""));
const message = fc.oneof(randomMessage, ballotLike);
const anyText = fc.oneof(message, fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 30 }));
const whitespace = fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u2003"), maxLength: 4 });

const toFullWidth = (text: string) =>
  text.replace(/[\x20-\x7e]/g, (c) => (c === " " ? "\u3000" : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

const spansOf = (intent: BallotIntent): MatchSpan[] => ("spans" in intent ? intent.spans : []);

/** The intent with every span moved by `shift`. */
const shifted = (intent: BallotIntent, shift: number): BallotIntent =>
  "spans" in intent ? { ...intent, spans: intent.spans.map((s) => ({ ...s, start: s.start + shift, end: s.end + shift })) } : intent;

/** The intent with every quoted string NFKC-normalised, so full-width and half-width quotes compare equal. */
const folded = (intent: BallotIntent): unknown =>
  JSON.parse(JSON.stringify(intent), (key, value) => (typeof value === "string" && key !== "kind" && key !== "role" ? perCodePointNfkc(value) : value));

describe("parseBallot properties", () => {
  it("never throws and always returns a known intent", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const intent = parseBallot(text);
        expect(["vote", "all", "comment", "check_in", "leave", "bind", "query"]).toContain(intent.kind);
      }),
      RUNS,
    );
  });

  it("never yields a vote from text without a vote word, digit or 👍", () => {
    // Built mostly from the near misses (同, 意, 反, 对, 号, 全部…), then filtered: 同 + 意 may still meet.
    const nearMisses = PIECES.filter((p) => !hasVoteSignal(p));
    const nearMiss = fc.array(fc.constantFrom(...nearMisses), { maxLength: 6 }).map((pieces) => pieces.join(""));
    const voteless = fc.oneof({ weight: 3, arbitrary: nearMiss }, { weight: 1, arbitrary: anyText }).filter((text) => !hasVoteSignal(text));
    fc.assert(
      fc.property(voteless, (text) => {
        expect(["vote", "all"]).not.toContain(parseBallot(text).kind);
      }),
      RUNS,
    );
  });

  it("is idempotent under adding surrounding whitespace", () => {
    fc.assert(
      fc.property(message, whitespace, whitespace, (text, before, after) => {
        expect(parseBallot(before + text + after)).toEqual(shifted(parseBallot(text), before.length));
      }),
      RUNS,
    );
  });

  it("is idempotent under removing surrounding whitespace", () => {
    fc.assert(
      fc.property(message, (text) => {
        const trimmed = text.trim();
        const removed = trimmed === "" ? 0 : text.indexOf(trimmed);
        expect(parseBallot(trimmed)).toEqual(shifted(parseBallot(text), -removed));
      }),
      RUNS,
    );
  });

  it("is idempotent under half-width → full-width ASCII", () => {
    fc.assert(
      fc.property(message, (text) => {
        const wide = toFullWidth(text);
        expect(folded(parseBallot(wide))).toEqual(folded(parseBallot(text)));
        // Every ASCII character maps to one BMP character, so offsets stay the same.
        expect(spansOf(parseBallot(wide)).map(({ start, end, role }) => ({ start, end, role }))).toEqual(
          spansOf(parseBallot(text)).map(({ start, end, role }) => ({ start, end, role })),
        );
      }),
      RUNS,
    );
  });

  it("spans index into the original text, in order, and every vote has a choice span", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const intent = parseBallot(text);
        let previousEnd = 0;
        for (const span of spansOf(intent)) {
          expect(span.start).toBeGreaterThanOrEqual(previousEnd);
          expect(span.end).toBeGreaterThan(span.start);
          expect(span.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(span.start, span.end)).toBe(span.text);
          previousEnd = span.end;
        }
        if (intent.kind === "vote" || intent.kind === "all") {
          expect(intent.spans.some((span) => span.role === "choice")).toBe(true);
          if (intent.comment !== undefined) expect(intent.spans.at(-1)).toMatchObject({ role: "comment", text: intent.comment });
        }
      }),
      RUNS,
    );
  });
});
