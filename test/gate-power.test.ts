// The detection rate a calibration prints (ci/power.ts): against normal noise it must agree with
// the power of a one-sided t-test found another way, keep the false-alarm rate at alpha, and grow with
// rounds and shrink with noise.
import { describe, expect, it } from 'vitest';
import { detectionRate, roundsFor } from '../ci/power.js';
import { seededRandom } from '../ci/stats.js';
import { tQuantileUpper } from '../ci/paired.js';

/** n draws of normal noise with this sd (Box–Muller, seeded). */
function normal(n: number, sd: number, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/** The t-test's power for normal noise of this sd, by drawing fresh normal rounds (not resampling
 * a sample, as detectionRate does): an independent way to the same number. */
function normalPower(sd: number, change: number, rounds: number, alpha: number, trials = 20_000): number {
  const c = tQuantileUpper(alpha, rounds - 1);
  let detected = 0;
  for (let t = 0; t < trials; t++) {
    const d = normal(rounds, sd, 1000 + t).map((x) => x + Math.log1p(change));
    const m = d.reduce((a, x) => a + x, 0) / rounds;
    const se = Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / (rounds - 1) / rounds);
    if (m / se > c) detected++;
  }
  return detected / trials;
}

const sdOf = (xs: number[]) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
};

describe('detection rate of a simultaneous gate', () => {
  const noise = normal(2000, 0.05);

  it('agrees with the power of the t-test for normal noise', () => {
    for (const [change, rounds] of [[0.05, 8], [0.05, 16], [0.1, 6], [0.03, 20]] as const) {
      const simulated = detectionRate({ noise, change, rounds, tolerance: 0, alpha: 0.025, trials: 20_000 });
      expect(Math.abs(simulated - normalPower(sdOf(noise), change, rounds, 0.025)), `+${change} in ${rounds} rounds`).toBeLessThan(0.02);
    }
    // and with a number worked out by hand: sd 5 %, +5 %, 8 rounds at alpha 0.025 — about two in three
    expect(detectionRate({ noise, change: 0.05, rounds: 8, tolerance: 0, alpha: 0.025 })).toBeGreaterThan(0.6);
    expect(detectionRate({ noise, change: 0.05, rounds: 8, tolerance: 0, alpha: 0.025 })).toBeLessThan(0.75);
  });

  it('calls nothing a regression more often than alpha when nothing changed', () => {
    const rate = detectionRate({ noise, change: 0, rounds: 8, tolerance: 0, alpha: 0.05, trials: 20_000 });
    expect(rate).toBeGreaterThan(0.04);
    expect(rate).toBeLessThan(0.06);
  });

  it('misses a change that the tolerance forgives, however many rounds', () => {
    expect(detectionRate({ noise: normal(2000, 0.01), change: 0.015, rounds: 40, tolerance: 0.02, alpha: 0.05 })).toBeLessThan(0.05);
  });

  it('needs more rounds for more noise, fewer for a bigger change', () => {
    const q = { change: 0.05, tolerance: 0.02, alpha: 0.025 };
    const quiet = roundsFor(0.95, { ...q, noise: normal(2000, 0.03) })!;
    const noisy = roundsFor(0.95, { ...q, noise: normal(2000, 0.06) })!;
    expect(quiet).toBeLessThan(noisy);
    expect(roundsFor(0.95, { ...q, change: 0.1, noise: normal(2000, 0.06) })!).toBeLessThan(noisy);
    expect(roundsFor(0.95, { ...q, noise: normal(2000, 0.5) }, 12)).toBeNull();
  });
});
