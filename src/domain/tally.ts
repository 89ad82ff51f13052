export type VoteChoice = "yes" | "no" | "abstain";

export type Tally = { yes: number; no: number; abstain: number; total: number };

export function tallyVotes(choices: VoteChoice[]): Tally {
  const tally: Tally = { yes: 0, no: 0, abstain: 0, total: 0 };
  for (const choice of choices) {
    tally[choice] += 1;
    tally.total += 1;
  }
  return tally;
}

/** Passes when yes is more than half of all votes cast (abstentions count as cast). */
export function decideSimpleMajority(tally: Tally): "passed" | "failed" {
  return 2 * tally.yes > tally.total ? "passed" : "failed";
}
