// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// The statistics of simultaneous rounds: in round r both sides ran at the same moment, so the
// per-round ratio candidate/baseline cancels what disturbed the machine in that round. The test is
// Student's one-sided t-test on the log-ratios (docs/gate.md, "Why a t-test on log-ratios"): noise
// in a cost figure is multiplicative, so log-ratios are close to normal, and unlike a signed-rank or
// sign-flip test its p has no floor of 2^-n that few rounds and Holm's split of alpha cannot pass.
import { tTwoSidedP } from './t-test.js';

export interface PairedTest {
  /** exp(mean log-ratio) − 1: the geometric mean change. */
  change: number;
  /** 95 % t-interval of the change. */
  interval: [number, number];
  /** One-sided p that the candidate is higher; and lower. */
  pHigher: number;
  pLower: number;
  /** The per-round ratios candidate/baseline. */
  ratios: number[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/** P(T ≥ t) for Student's t with df degrees of freedom. */
export function tUpperP(t: number, df: number): number {
  if (Number.isNaN(t)) return 1;
  const two = tTwoSidedP(t, df);
  return t >= 0 ? two / 2 : 1 - two / 2;
}

/** The t value with P(T ≥ t) = p (bisection; p in (0, 0.5]). */
export function tQuantileUpper(p: number, df: number): number {
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tUpperP(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Pairs of (baseline, candidate) values of one figure, one pair per round; at least 2 pairs.
 * `sdFloor` is the least spread of the log-ratios the test assumes (0: none), for the early looks,
 * whose few rounds can show a spread far below the machine's by luck (ci/looks.ts). */
export function pairedLogRatioTest(pairs: readonly (readonly [number, number])[], level = 0.95, sdFloor = 0): PairedTest {
  const ratios = pairs.map(([b, c]) => c / b);
  const d = ratios.map(Math.log);
  const n = d.length;
  const m = mean(d);
  const sd = Math.max(sdFloor, Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)));
  const se = sd / Math.sqrt(n);
  if (se === 0 || !Number.isFinite(se)) {
    // every round gave the same ratio: no spread to weigh it against
    const p = m === 0 ? 1 : 0;
    return { change: Math.exp(m) - 1, interval: [Math.exp(m) - 1, Math.exp(m) - 1], pHigher: m > 0 ? p : 1, pLower: m < 0 ? p : 1, ratios };
  }
  const t = m / se;
  const q = tQuantileUpper((1 - level) / 2, n - 1);
  return { change: Math.exp(m) - 1, interval: [Math.exp(m - q * se) - 1, Math.exp(m + q * se) - 1], pHigher: tUpperP(t, n - 1), pLower: tUpperP(-t, n - 1), ratios };
}

/** One round's ratio candidate/baseline from its server pairs' (baseline, candidate) values: the
 * geometric mean over the pairs where both sides measured a positive value; NaN when none did. */
export function roundRatio(pairs: readonly (readonly [number | null, number | null])[]): number {
  const logs = pairs.flatMap(([b, c]) => (b !== null && c !== null && b > 0 && c > 0 ? [Math.log(c / b)] : []));
  return logs.length ? Math.exp(mean(logs)) : NaN;
}

/** The spread of values as a coefficient of variation (sample sd / mean): for ratios, the
 * per-round noise of the comparison; for one side's figure, that side's run-to-run noise. */
export function spread(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) / m;
}
