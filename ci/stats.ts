// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// The statistics of the gate, small enough to check by hand: a one-sided Mann-Whitney U test
// (exact by enumerating every split of the pooled runs when that is cheap, Monte Carlo otherwise)
// and a bootstrap interval of the ratio of medians. Randomness is seeded, so the same runs always
// give the same verdict.

import { median } from '../lib/median.js';

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Midranks (1-based) of the pooled values: ties share the mean of their ranks. */
function midranks(pooled: readonly number[]): number[] {
  const order = pooled.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const ranks = new Array<number>(pooled.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

const EXACT_LIMIT = 200_000; // splits enumerated at most (C(20,10) = 184,756)
const MONTE_CARLO = 20_000;

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * One-sided p-value of the hypothesis that values in `a` tend to be greater than those in `b`:
 * the share of the ways to split the pooled values into groups of |a| and |b| whose rank sum for
 * the first group is at least the observed one (Mann-Whitney U; ties count by midranks).
 */
export function pGreater(a: readonly number[], b: readonly number[], seed = 1): number {
  const n = a.length;
  const pooled = [...a, ...b];
  if (n === 0 || b.length === 0) return 1;
  const ranks = midranks(pooled);
  let observed = 0;
  for (let i = 0; i < n; i++) observed += ranks[i]!;
  const eps = 1e-9;
  if (choose(pooled.length, n) <= EXACT_LIMIT) {
    let atLeast = 0;
    let total = 0;
    const walk = (start: number, left: number, sum: number): void => {
      if (left === 0) {
        total++;
        if (sum >= observed - eps) atLeast++;
        return;
      }
      for (let i = start; i <= ranks.length - left; i++) walk(i + 1, left - 1, sum + ranks[i]!);
    };
    walk(0, n, 0);
    return atLeast / total;
  }
  const random = seededRandom(seed);
  const idx = ranks.map((_, i) => i);
  let atLeast = 0;
  for (let t = 0; t < MONTE_CARLO; t++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random() * (idx.length - i)); // partial Fisher-Yates
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      sum += ranks[idx[i]!]!;
    }
    if (sum >= observed - eps) atLeast++;
  }
  return (atLeast + 1) / (MONTE_CARLO + 1);
}

/** 1 / C(2n, n): the p-value of the most extreme split of n runs per side, the smallest there is. */
export function smallestP(n: number): number {
  return 1 / choose(2 * n, n);
}

/** Rounds needed before a p-value below alpha is possible at all. */
export function roundsNeeded(alpha: number): number {
  let n = 1;
  while (smallestP(n) >= alpha) n++;
  return n;
}

/** Bootstrap interval (default 95 %) of median(candidate) / median(baseline) − 1. */
export function changeInterval(baseline: readonly number[], candidate: readonly number[], level = 0.95, seed = 1): [number, number] {
  const random = seededRandom(seed);
  const resample = (xs: readonly number[]) => median(xs.map(() => xs[Math.floor(random() * xs.length)]!));
  const changes: number[] = [];
  for (let t = 0; t < 2000; t++) {
    const base = resample(baseline);
    if (base !== 0) changes.push(resample(candidate) / base - 1);
  }
  changes.sort((x, y) => x - y);
  if (changes.length === 0) return [NaN, NaN];
  const at = (q: number) => changes[Math.min(changes.length - 1, Math.max(0, Math.round(q * (changes.length - 1))))]!;
  return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
}

/** Holm's step-down: which of several p-values are significant with the chance of any false
 * positive among them kept ≤ alpha. The k-th smallest (from 0) is tested against alpha / (m − k);
 * the first that fails stops the rest. NaN (no test) is never significant. */
export function holm(ps: readonly number[], alpha: number): boolean[] {
  const order = ps.map((p, i) => ({ p, i })).filter((x) => Number.isFinite(x.p)).sort((a, b) => a.p - b.p);
  const significant = ps.map(() => false);
  for (const [k, { p, i }] of order.entries()) {
    if (p >= alpha / (order.length - k)) break;
    significant[i] = true;
  }
  return significant;
}

/** Hochberg's step-up: the largest p is tested against alpha, the next against alpha / 2, and so
 * on; the first that passes makes it and every smaller p significant. It rejects all that Holm
 * does and more (every figure, when all their p are under alpha: a change that moves several
 * figures at once). It keeps the chance of any false positive ≤ alpha when the tests are
 * independent or positively dependent; for two one-sided tests that lean the other way it can
 * exceed alpha by at most the chance that both p fall in (alpha / 2, alpha] (docs/gate.md, "Why
 * Hochberg"). NaN (no test) is never significant. */
export function hochberg(ps: readonly number[], alpha: number): boolean[] {
  const order = ps.map((p, i) => ({ p, i })).filter((x) => Number.isFinite(x.p)).sort((a, b) => b.p - a.p);
  const significant = ps.map(() => false);
  const first = order.findIndex(({ p }, k) => p < alpha / (k + 1));
  if (first >= 0) for (const { i } of order.slice(first)) significant[i] = true;
  return significant;
}
