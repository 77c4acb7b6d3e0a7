// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// Stopping a simultaneous gate early on a clear regression (docs/gate.md, "Stopping early"): the
// paired test also runs at interim looks, after a third and after two thirds of the rounds, each
// at a small share of alpha; the gate stops at the first look where it finds a regression at that
// level. The levels of all looks, the final one included, sum to alpha, so by Bonferroni the chance
// that noise fails the gate at any look stays ≤ alpha whatever the looks have in common. A look
// never passes a gate early: "no regression" is always weighed over every round.
//
// A look has few rounds, so the spread of its ratios is itself a noisy estimate: 6 rounds can show
// a quarter of the machine's usual spread by luck, and then a few per cent reads as certain (the
// one A/A false alarm in 40 calibrated gates, docs/gate.md). So a look's test assumes at least
// LOOK_SPREAD_FLOOR of spread. That only raises a look's p, so the bound above still holds.

/** The share of alpha each interim look is tested at: small, so the final look keeps most of it. */
export const LOOK_ALPHA_SHARE = 0.05;

/** No look before this many rounds: with 3 degrees of freedom or fewer t's tails are so heavy
 * that a level of alpha/20 takes a change of many times the spread to reach. */
export const FIRST_LOOK_ROUND = 4;

/** The least spread (sd of the per-round log-ratios, ≈ a CV) an interim look assumes: ≈ 0.55 of the
 * per-round ratio spread gate:calibrate measured here (5.3 % CPU per delivery, 6.8 % e2e p50). */
export const LOOK_SPREAD_FLOOR = 0.03;

/** LOOK_SPREAD_FLOOR's share of the smallest per-round ratio spread measured on this project's VM. */
const FLOOR_SHARE_OF_SPREAD = 0.55;

/** The floor a calibration suggests for its machine and server: the same share of the smallest
 * per-round ratio spread it measured as LOOK_SPREAD_FLOOR is of this project's VM's. */
export function suggestedSpreadFloor(ratioSpreads: readonly number[]): number {
  const finite = ratioSpreads.filter(Number.isFinite);
  return finite.length ? +(FLOOR_SHARE_OF_SPREAD * Math.min(...finite)).toFixed(3) : NaN;
}

export interface LookPlan {
  /** After which rounds (1-based) the interim looks come; empty for none. */
  at: number[];
  /** The family-wise level each interim look tests at (over the gated figures, as after the last round). */
  alphaEach: number;
  /** The level of the look after the last round: alpha less what the interim looks spent. */
  alphaFinal: number;
  /** The least spread of the log-ratios an interim look's test assumes (the last test: none). */
  spreadFloor: number;
}

export function planLooks(rounds: number, alpha: number, earlyStop = true, spreadFloor = LOOK_SPREAD_FLOOR): LookPlan {
  const thirds = [Math.floor(rounds / 3), Math.floor((2 * rounds) / 3)];
  const at = earlyStop ? [...new Set(thirds)].filter((r) => r >= FIRST_LOOK_ROUND && r < rounds) : [];
  const alphaEach = alpha * LOOK_ALPHA_SHARE;
  return { at, alphaEach, alphaFinal: alpha - alphaEach * at.length, spreadFloor };
}

/** Whether the gate stops after `roundsDone` rounds: a look falls there and the decision at its
 * level and spread floor (decideAt, over the rounds so far) is a regression. */
export function stopsHere(plan: LookPlan, roundsDone: number, decideAt: (alpha: number, spreadFloor: number) => { verdict: string }): boolean {
  return plan.at.includes(roundsDone) && decideAt(plan.alphaEach, plan.spreadFloor).verdict === 'regression';
}

/** The level of the verdict's test: the look's that stopped the gate, or the final one. */
export function levelOf(plan: LookPlan, stoppedAfter?: number): number {
  return stoppedAfter !== undefined ? plan.alphaEach : plan.alphaFinal;
}

/** The spread floor of the verdict's test: the look's that stopped the gate; none for the final one. */
export function spreadFloorOf(plan: LookPlan, stoppedAfter?: number): number {
  return stoppedAfter !== undefined ? plan.spreadFloor : 0;
}
