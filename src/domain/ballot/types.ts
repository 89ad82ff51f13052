export type BallotChoice = "yes" | "no" | "abstain";

export type BallotVote = { motionNumber: number | null; choice: BallotChoice };

/** A part of the message the parser relied on; offsets index the ORIGINAL text (`text.slice(start, end) === span.text`). */
export type MatchSpan = {
  start: number;
  end: number;
  text: string;
  role: "motion" | "choice" | "comment" | "command";
};

export type BallotIntent =
  | { kind: "vote"; choices: BallotVote[]; comment?: string; spans: MatchSpan[] }
  /** 全部同意 / 都同意 / 全部反对: applies to every open motion. */
  | { kind: "all"; choice: BallotChoice; comment?: string; spans: MatchSpan[] }
  /** ambiguous: it looked like a vote or command but was not safe to count; the reply shows the accepted forms. */
  | { kind: "comment"; text: string; ambiguous: boolean }
  | { kind: "check_in" }
  | { kind: "leave"; reason: string }
  | { kind: "bind"; code: string }
  | { kind: "query" };
