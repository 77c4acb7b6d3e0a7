// Change points on synthetic histories whose steps are known, and the t distribution they stand on.
import { describe, expect, it } from 'vitest';
import { changePoints, newestStep } from '../ci/change-points.js';
import { seededRandom } from '../ci/stats.js';
import { tTwoSidedP, twoSampleP } from '../ci/t-test.js';

/** n commits of a figure near 10 with 2 % noise (a normal from 12 uniforms), shaped by `level`. */
function history(seed: number, n: number, level: (i: number) => number): number[] {
  const random = seededRandom(seed);
  const normal = () => Array.from({ length: 12 }, random).reduce((a, x) => a + x, 0) - 6;
  return Array.from({ length: n }, (_, i) => 10 * level(i) * (1 + 0.02 * normal()));
}

describe('the t distribution', () => {
  it('matches tables', () => {
    expect(tTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(tTwoSidedP(2.0, 1000)).toBeCloseTo(0.0458, 3);
    expect(tTwoSidedP(0, 5)).toBeCloseTo(1, 10);
    expect(twoSampleP([1, 2, 3], [1, 2, 3])).toBeCloseTo(1, 10);
    expect(twoSampleP([10, 10.1, 9.9, 10.05], [11])).toBeLessThan(0.01); // one new value far outside
    expect(twoSampleP([10, 10.1, 9.9, 10.05], [10.1])).toBeGreaterThan(0.3);
  });
});

describe('change points', () => {
  it('finds a 10 % step where it is', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const found = changePoints(history(seed, 30, (i) => (i >= 20 ? 1.1 : 1)));
      expect(found).toHaveLength(1);
      expect(found[0]!.index).toBe(20);
      expect(found[0]!.change).toBeGreaterThan(0.07);
    }
  });

  it('finds a slow creep of ten 1 % steps that no pairwise comparison of neighbours would', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const found = changePoints(history(seed, 30, (i) => 1 + 0.01 * Math.min(10, Math.max(0, i - 9))));
      expect(found.length).toBeGreaterThanOrEqual(1);
      for (const c of found) expect(c.index).toBeGreaterThanOrEqual(10 - 1);
      for (const c of found) expect(c.index).toBeLessThanOrEqual(21);
      expect(found.some((c) => c.change > 0.04)).toBe(true);
    }
  });

  it('finds nothing in noise', () => {
    let points = 0;
    for (let seed = 1; seed <= 100; seed++) points += changePoints(history(seed, 30, () => 1)).length;
    expect(points).toBe(0);
  });

  it('sees a regression that starts at the newest commit, and none in noise', () => {
    let seen = 0;
    let falseAlarms = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const stepped = history(seed, 20, (i) => (i === 19 ? 1.1 : 1));
      const step = newestStep(stepped, changePoints(stepped));
      if (step?.index === 19 && step.change > 0) seen++;
      const flat = history(seed, 20, () => 1);
      if (newestStep(flat, changePoints(flat))) falseAlarms++;
    }
    // a 5-sigma step of one commit, tested at alpha 0.001 two-sided: 79 of 100 (a step that stays
    // is certain one commit later, as a change point)
    expect(seen).toBeGreaterThanOrEqual(75);
    expect(falseAlarms).toBeLessThanOrEqual(1);
  });
});
