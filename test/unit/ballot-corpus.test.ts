import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBallot, type BallotChoice, type BallotIntent } from "../../src/domain/ballot.ts";

/** One realistic villager message and what it must mean; see test/fixtures/ballot-corpus.json. */
type Expected =
  | { kind: "vote"; votes: Array<[number | null, BallotChoice]>; comment: boolean }
  | { kind: "all"; choice: BallotChoice; comment: boolean }
  | { kind: "comment"; ambiguous: boolean }
  | { kind: "check_in" }
  | { kind: "leave"; reason: string }
  | { kind: "bind"; code: string }
  | { kind: "query" };
type CorpusEntry = { text: string; category: string } & Expected;

const corpus: CorpusEntry[] = JSON.parse(readFileSync(new URL("../fixtures/ballot-corpus.json", import.meta.url), "utf8"));

/** The intent in the corpus's terms: comments as presence, votes as [motion, choice] pairs. */
function summary(intent: BallotIntent): Expected {
  switch (intent.kind) {
    case "vote":
      return { kind: "vote", votes: intent.choices.map((c) => [c.motionNumber, c.choice]), comment: intent.comment !== undefined };
    case "all":
      return { kind: "all", choice: intent.choice, comment: intent.comment !== undefined };
    case "comment":
      return { kind: "comment", ambiguous: intent.ambiguous };
    default:
      return intent;
  }
}

describe("ballot corpus", () => {
  it("holds at least 300 distinct realistic messages covering every intent", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((entry) => entry.text)).size).toBe(corpus.length);
    const kinds = new Set(corpus.map((entry) => entry.kind));
    expect([...kinds].sort()).toEqual(["all", "bind", "check_in", "comment", "leave", "query", "vote"]);
  });

  it.each(corpus.map((entry) => [entry.category, entry.text, entry] as const))("[%s] %j", (_category, text, entry) => {
    const { text: _text, category: _cat, ...expected } = entry;
    const intent = parseBallot(text);
    expect(summary(intent)).toEqual(expected);
    if (intent.kind === "comment") expect(intent.text).toBe(text.trim());
    if ((intent.kind === "vote" || intent.kind === "all") && intent.comment !== undefined) {
      expect(text).toContain(intent.comment);
    }
  });
});
