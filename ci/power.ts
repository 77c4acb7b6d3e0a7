// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// What a simultaneous gate can see, before trusting it: the share of gates that would call a true
// change of a figure a regression, for a number of rounds, by simulation of the gate's own rule
// (change worse than the tolerance AND the one-sided paired t-test significant). The per-round
// noise is resampled from A/A rounds measured on the machine (a bootstrap, so their tails count as
// measured, not a normal curve's), centred, and shifted by the true change.
import { seededRandom } from './stats.js';
import { tQuantileUpper } from './paired.js';

export interface PowerQuestion {
  /** ln(candidate/baseline) of A/A rounds: the comparison's noise as measured. */
  noise: readonly number[];
  /** The true change, e.g. 0.05 for +5 %. */
  change: number;
  rounds: number;
  /** The figure's tolerance, e.g. 0.02. */
  tolerance: number;
  /** The level the figure is tested at: alpha / m for the smallest p of m gated figures (its bar
   * under Holm, and under Hochberg unless the other figures move too). */
  alpha: number;
  trials?: number;
  seed?: number;
}

/** The share of simulated gates that call the change a regression. */
export function detectionRate(q: PowerQuestion): number {
  const n = q.rounds;
  if (n < 3 || q.noise.length < 2) return NaN;
  const centre = q.noise.reduce((a, x) => a + x, 0) / q.noise.length;
  const shifted = q.noise.map((x) => x - centre + Math.log1p(q.change));
  const critical = tQuantileUpper(q.alpha, n - 1);
  const random = seededRandom(q.seed ?? 1);
  const trials = q.trials ?? 4000;
  const d = new Array<number>(n);
  let detected = 0;
  for (let t = 0; t < trials; t++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i] = shifted[Math.floor(random() * shifted.length)]!;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (d[i]! - mean) ** 2;
    const se = Math.sqrt(ss / (n - 1) / n);
    // se 0: every drawn round the same ratio; the gate calls that significant when it moved
    const significant = se === 0 ? mean > 0 : mean / se > critical;
    if (significant && Math.expm1(mean) > q.tolerance) detected++;
  }
  return detected / trials;
}

/** The fewest rounds (3 … max) whose detection rate reaches `target`, or null. */
export function roundsFor(target: number, q: Omit<PowerQuestion, 'rounds'>, max = 50): number | null {
  for (let rounds = 3; rounds <= max; rounds++) if (detectionRate({ ...q, rounds }) >= target) return rounds;
  return null;
}
