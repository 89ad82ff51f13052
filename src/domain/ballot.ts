import { readCommand } from "./ballot/commands.ts";
import type { BallotIntent } from "./ballot/types.ts";
import { COMMENT_PREFIXES, DIGIT_CHOICES, VOTE_LIKE_WORDS } from "./ballot/vocabulary.ts";
import { readVotes, startsLikeVote } from "./ballot/votes.ts";
import { normalise, spanOf, type Normalised } from "./ballot/text.ts";

export type { BallotChoice, BallotIntent, BallotVote, MatchSpan } from "./ballot/types.ts";
export { ACCEPTED_FORMS_ZH } from "./ballot/vocabulary.ts";

/** Short messages with a vote word that did not parse ("不太同意", "同意吧") get the accepted forms in reply. */
const SHORT_MESSAGE = 12;
const THUMBS_DOWN = /^\s*👎[\u{1F3FB}-\u{1F3FF}]?\ufe0f?\s*$/u;

function looksLikeVote(n: Normalised): boolean {
  const { body } = n;
  if (startsLikeVote(body)) return true;
  if (/^\+?\d$/u.test(body) || THUMBS_DOWN.test(n.text)) return true;
  return [...body].length <= SHORT_MESSAGE && VOTE_LIKE_WORDS.some((word) => body.includes(word));
}

function interpret(raw: string): BallotIntent {
  const n = normalise(raw);
  const comment = (ambiguous: boolean): BallotIntent => ({ kind: "comment", text: raw.trim(), ambiguous });
  if (n.body === "") return comment(THUMBS_DOWN.test(n.text));

  const command = readCommand(n);
  if (command) return command;
  if (COMMENT_PREFIXES.some((prefix) => n.body.startsWith(prefix))) return comment(false);

  // A message that is exactly 1/2/3 votes on the single open motion; "12", "1号2" or a phone number does not.
  const digitChoice = Object.hasOwn(DIGIT_CHOICES, n.body) ? DIGIT_CHOICES[n.body] : undefined;
  if (digitChoice && !n.tail.includes("?")) {
    return { kind: "vote", choices: [{ motionNumber: null, choice: digitChoice }], spans: [spanOf(n, 0, 1, "choice")] };
  }
  return readVotes(n) ?? comment(looksLikeVote(n));
}

/**
 * Reads a villager's chat message as a vote, a vote on all open motions, a command (签到, 请假, 绑定, 查询) or a
 * comment. Pure; never throws. Vote intents carry the spans of the original text that made them count.
 */
export function parseBallot(text: string): BallotIntent {
  const raw = typeof text === "string" ? text : "";
  try {
    return interpret(raw);
  } catch {
    return { kind: "comment", text: raw.trim(), ambiguous: false };
  }
}
