// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// Stopping a simultaneous gate early on a clear regression (docs/gate.md, "Stopping early"): the
// paired test also runs at interim looks, after a third and after two thirds of the rounds, each
// at a small share of alpha; the gate stops at the first look where it finds a regression at that
// level. The levels of all looks, the final one included, sum to alpha, so by Bonferroni the chance
// that noise fails the gate at any look stays ≤ alpha whatever the looks have in common. A look
// never passes a gate early: "no regression" is always weighed over every round.

/** The share of alpha each interim look is tested at: small, so the final look keeps most of it. */
export const LOOK_ALPHA_SHARE = 0.05;

/** No look before this many rounds: with 3 degrees of freedom or fewer t's tails are so heavy
 * that a level of alpha/20 takes a change of many times the spread to reach. */
export const FIRST_LOOK_ROUND = 4;

export interface LookPlan {
  /** After which rounds (1-based) the interim looks come; empty for none. */
  at: number[];
  /** The family-wise level each interim look tests at (over the gated figures, as after the last round). */
  alphaEach: number;
  /** The level of the look after the last round: alpha less what the interim looks spent. */
  alphaFinal: number;
}

export function planLooks(rounds: number, alpha: number, earlyStop = true): LookPlan {
  const thirds = [Math.floor(rounds / 3), Math.floor((2 * rounds) / 3)];
  const at = earlyStop ? [...new Set(thirds)].filter((r) => r >= FIRST_LOOK_ROUND && r < rounds) : [];
  const alphaEach = alpha * LOOK_ALPHA_SHARE;
  return { at, alphaEach, alphaFinal: alpha - alphaEach * at.length };
}

/** Whether the gate stops after `roundsDone` rounds: a look falls there and the decision at its
 * level (decideAt, over the rounds so far) is a regression. */
export function stopsHere(plan: LookPlan, roundsDone: number, decideAt: (alpha: number) => { verdict: string }): boolean {
  return plan.at.includes(roundsDone) && decideAt(plan.alphaEach).verdict === 'regression';
}

/** The level of the verdict's test: the look's that stopped the gate, or the final one. */
export function levelOf(plan: LookPlan, stoppedAfter?: number): number {
  return stoppedAfter !== undefined ? plan.alphaEach : plan.alphaFinal;
}
