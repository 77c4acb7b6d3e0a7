// The gate's statistics and decision rule, checked against values computable by hand and against
// simulation (how often it cries wolf when nothing changed).
import { describe, expect, it } from 'vitest';
import { decide } from '../ci/decide.js';
import { parseMetricSpec } from '../ci/metric-spec.js';
import { verdictMarkdown } from '../ci/verdict-markdown.js';
import { changeInterval, hochberg, holm, pGreater, roundsNeeded, seededRandom, smallestP } from '../ci/stats.js';
import type { Result } from '../results/schema.js';

/** Standard normal from a seeded uniform source (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Complementary error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x >= 0 ? y : 2 - y;
}

/** The parts of a result the decision reads. */
function run(
  p99: number | null,
  extra: { lost?: number; saturated?: boolean; cpu?: number | null; sent?: number; delivered?: number; refused?: number; failedCheck?: string } = {},
): Result {
  return {
    latencyMs: { e2e: { p50: p99 === null ? null : p99 / 3, p99 } },
    messages: { lost: extra.lost ?? 0, duplicated: 0, sent: extra.sent ?? 100, delivered: extra.delivered ?? 1000, refused: extra.refused ?? 0, unanswered: 0 },
    connections: { failed: 0 },
    server: { cpuMsPer1kDeliveries: extra.cpu === undefined ? 10 : extra.cpu },
    generator: { saturated: extra.saturated ?? false },
    checks: extra.failedCheck ? [{ name: extra.failedCheck, ok: false, actual: 0, limit: '', detail: '' }] : [],
  } as unknown as Result;
}

describe('Mann-Whitney p-value', () => {
  it('is exact for small samples: complete separation of 5 and 5 is 1 / C(10, 5)', () => {
    expect(pGreater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])).toBeCloseTo(1 / 252, 12);
    expect(pGreater([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBe(1);
    // one swap: U = 24 of 25; splits with rank sum ≥ 39 are 2 of 252
    expect(pGreater([5, 7, 8, 9, 10], [1, 2, 3, 4, 6])).toBeCloseTo(2 / 252, 12);
  });

  it('knows the smallest p a number of rounds allows', () => {
    expect(smallestP(3)).toBeCloseTo(1 / 20, 12);
    expect(smallestP(5)).toBeCloseTo(1 / 252, 12);
    expect(roundsNeeded(0.05)).toBe(4);
    expect(roundsNeeded(0.01)).toBe(5);
    expect(pGreater([4, 5, 6], [1, 2, 3])).toBeCloseTo(smallestP(3), 12);
  });

  it('counts ties by midranks: identical samples are no evidence either way', () => {
    const p = pGreater([3, 3, 3, 3], [3, 3, 3, 3]);
    expect(p).toBe(1);
    expect(pGreater([1, 2, 3], [1, 2, 3])).toBeGreaterThan(0.5);
  });

  it('beyond the exact limit, agrees with the normal approximation (14 vs 14 runs)', () => {
    const random = seededRandom(7);
    const a = Array.from({ length: 14 }, () => 10 + normal(random) + 0.7);
    const b = Array.from({ length: 14 }, () => 10 + normal(random));
    // U from ranks (no ties in continuous data), then the normal approximation with continuity correction
    const pooled = [...a, ...b].sort((x, y) => x - y);
    const u = a.reduce((sum, v) => sum + pooled.indexOf(v) + 1, 0) - (14 * 15) / 2;
    const z = (u - 98 - 0.5) / Math.sqrt((14 * 14 * 29) / 12);
    const approx = 0.5 * erfc(z / Math.SQRT2);
    const monteCarlo = pGreater(a, b); // C(28, 14) ≫ the exact limit: sampled
    expect(Math.abs(monteCarlo - approx)).toBeLessThan(0.02);
    expect(pGreater([...a].map((v) => v + 100), b)).toBeLessThan(1e-3); // complete separation
  });

  it('says "worse" in at most about alpha of A/A comparisons (5 rounds, 2,000 simulations)', () => {
    const random = seededRandom(42);
    let flagged = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 5 }, () => 100 + 10 * normal(random));
      const b = Array.from({ length: 5 }, () => 100 + 10 * normal(random));
      if (pGreater(a, b) < 0.05) flagged++;
    }
    expect(flagged / trials).toBeLessThan(0.065);
    expect(flagged / trials).toBeGreaterThan(0.02); // and the test is not simply mute
  });

  it('finds a real 10 % shift with 8 rounds most of the time', () => {
    const random = seededRandom(3);
    let found = 0;
    for (let t = 0; t < 500; t++) {
      const base = Array.from({ length: 8 }, () => 100 + 3 * normal(random));
      const cand = Array.from({ length: 8 }, () => 110 + 3 * normal(random));
      if (pGreater(cand, base) < 0.05) found++;
    }
    expect(found / 500).toBeGreaterThan(0.9);
  });
});

describe('bootstrap interval of the median change', () => {
  it('contains the true change and excludes zero for a clear shift', () => {
    const [lo, hi] = changeInterval([100, 101, 99, 100, 102], [120, 119, 121, 120, 118]);
    expect(lo).toBeGreaterThan(0.1);
    expect(hi).toBeLessThan(0.3);
    expect(lo).toBeLessThanOrEqual(0.2);
    expect(hi).toBeGreaterThanOrEqual(0.2);
  });
});

describe('the gate decision', () => {
  const p99 = parseMetricSpec('latencyMs.e2e.p99:10%');
  const cpu = parseMetricSpec('server.cpuMsPer1kDeliveries:10%');

  it('parses metric specs, taking the direction from the figure catalog', () => {
    expect(p99).toMatchObject({ path: 'latencyMs.e2e.p99', better: 'lower', tolerance: 0.1, unit: 'ms' });
    expect(parseMetricSpec('throughput.deliveredPerSec:5%')).toMatchObject({ better: 'higher', tolerance: 0.05 });
    expect(parseMetricSpec('generator.cpuSeconds:20%:lower')).toMatchObject({ better: 'lower', tolerance: 0.2 });
    expect(() => parseMetricSpec('generator.cpuSeconds:20%')).toThrow(/say whether lower or higher is better/);
    expect(() => parseMetricSpec('latencyMs.e2e.p99:ten')).toThrow(/neither a tolerance like 10% nor lower\|higher/);
  });

  it('calls a significant change beyond the tolerance a regression, and a small one not', () => {
    const base = [10, 11, 10.5, 9.8, 10.2].map((v) => run(v));
    const worse = [13, 12.5, 13.4, 12.8, 13.1].map((v) => run(v));
    const slightly = [10.4, 10.9, 10.6, 10.5, 10.8].map((v) => run(v)); // ~ +3 %: within 10 %
    const d = decide([p99], base, worse);
    expect(d.verdict).toBe('regression');
    expect(d.metrics[0]).toMatchObject({ verdict: 'regressed' });
    expect(d.metrics[0]!.pWorse).toBeCloseTo(1 / 252, 10);
    expect(decide([p99], base, slightly).verdict).toBe('pass');
    expect(decide([p99], worse, base).metrics[0]!.verdict).toBe('improved');
    const md = verdictMarkdown(d, { scenario: 's', rounds: 5, baseline: 'a', candidate: 'b', alpha: 0.05 });
    expect(md).toMatch(/^## chatbench gate: ❌ regression/);
    expect(md).toContain('| e2e p99 (lower is better) | 10.2 ms | 13 ms | +27.5% |');
    expect(md).toContain('smallest possible p is 0.0040');
  });

  it('fails on lost messages whatever the figures, and will not judge from a saturated generator', () => {
    const base = [10, 11, 10.5, 9.8].map((v) => run(v));
    const losing = [10, 11, 10.5, 9.8].map((v, i) => run(v, { lost: i === 2 ? 3 : 0 }));
    expect(decide([p99], base, losing)).toMatchObject({ verdict: 'regression', reasons: ['Lost: 3 in the candidate, none in the baseline'] });
    const saturated = [20, 21, 22, 23].map((v, i) => run(v, { saturated: i === 0 }));
    expect(decide([p99], base, saturated).verdict).toBe('inconclusive');
    const noCpu = [10, 11, 10.5, 9.8].map((v) => run(v, { cpu: null }));
    expect(decide([cpu], noCpu, noCpu)).toMatchObject({ verdict: 'inconclusive' });
    expect(decide([p99], base, base).verdict).toBe('pass');
  });

  it('calls a candidate that measured nothing a regression, never an improvement', () => {
    const p50 = parseMetricSpec('latencyMs.e2e.p50:10%');
    const base = [10, 11, 10.5, 9.8].map((v) => run(v));
    // every send refused (the issue's `--max-body-bytes 1`): no latency, no deliveries, a failed check
    const refusing = [0, 1, 2, 3].map(() => run(null, { delivered: 0, refused: 2602, cpu: null, failedCheck: 'sends refused' }));
    const d = decide([p50], base, refusing);
    expect(d.verdict).toBe('regression');
    expect(d.metrics[0]!.verdict).toBe('no data');
    expect(d.reasons).toEqual(
      expect.arrayContaining([
        'sanity check "sends refused" failed in 4 of 4 candidate run(s)',
        'Sends refused: 10408 in the candidate, none in the baseline',
        'Deliveries: 0 deliveries for 100 sent (0.00 per message, medians) in the candidate against 1000 deliveries for 100 sent (10.00 per message, medians) in the baseline (-100.0%)',
        'e2e p50: no data in the candidate (the baseline measured it)',
      ]),
    );
    expect(verdictMarkdown(d, { scenario: 's', rounds: 4, baseline: 'a', candidate: 'b', alpha: 0.05 })).toContain('❌ no data');
    // fewer deliveries alone, at the same latency
    const fewer = [10, 11, 10.5, 9.8].map((v) => run(v, { delivered: 950 }));
    expect(decide([p50], base, fewer)).toMatchObject({
      verdict: 'regression',
      reasons: ['Deliveries: 950 deliveries for 100 sent (9.50 per message, medians) in the candidate against 1000 deliveries for 100 sent (10.00 per message, medians) in the baseline (-5.0%)'],
    });
    // a candidate that was sent nothing delivers nothing per message: never a pass
    const silent = [10, 11, 10.5, 9.8].map((v) => run(v, { sent: 0, delivered: 0 }));
    expect(decide([p50], base, silent).verdict).toBe('regression');
    // a short run's edges: one message fewer sent, and one receiver that joined a moment late, is
    // the schedule, not the server (the A/A flake of docs/api.md's 2 s example: 453/51 against 440/50)
    const short = (sent: number, delivered: number) => run(10, { sent, delivered });
    expect(decide([p50], [short(51, 453), short(50, 444), short(51, 454), short(51, 453)], [short(50, 444), short(50, 444), short(51, 453), short(50, 440)]).verdict).toBe('pass');
    // but one receiver in ten missing every message is not
    expect(decide([p50], [short(51, 453), short(50, 444)], [short(51, 408), short(50, 400)]).verdict).toBe('regression');
    // a baseline that failed its checks cannot be judged against
    const badBase = [10, 11, 10.5, 9.8].map((v) => run(v, { failedCheck: 'clients connected' }));
    expect(decide([p50], badBase, base).verdict).toBe('inconclusive');
  });

  it("rejects with Hochberg's step-up all that Holm does, and every figure when all their p are under alpha", () => {
    expect(hochberg([0.01, 0.04, 0.03], 0.05)).toEqual([true, true, true]); // the largest, 0.04, is under 0.05
    expect(hochberg([0.011, 0.016], 0.018)).toEqual([true, true]); // a +5 % gate Holm passed (docs/gate.md)
    expect(holm([0.011, 0.016], 0.018)).toEqual([false, false]);
    expect(hochberg([0.03, 0.2], 0.05)).toEqual([false, false]); // 0.2 ≥ 0.05, then 0.03 ≥ 0.05/2
    expect(hochberg([0.02, 0.2], 0.05)).toEqual([true, false]); // 0.02 < 0.05/2
    expect(hochberg([NaN, 0.001], 0.05)).toEqual([false, true]);
    const random = seededRandom(5);
    for (let t = 0; t < 2000; t++) {
      const ps = Array.from({ length: 1 + Math.floor(random() * 4) }, () => random() * 0.1);
      const h = hochberg(ps, 0.05);
      holm(ps, 0.05).forEach((rejected, i) => rejected && expect(h[i]).toBe(true));
    }
  });

  it("keeps the family's false-alarm rate under alpha with Holm, where a test per figure would not", () => {
    expect(holm([0.01, 0.04, 0.03], 0.05)).toEqual([true, false, false]); // 0.01 < 0.05/3; then 0.03 ≥ 0.05/2 stops
    expect(holm([0.01, 0.02, 0.04], 0.05)).toEqual([true, true, true]);
    expect(holm([NaN, 0.001], 0.05)).toEqual([false, true]);
    const random = seededRandom(7);
    const specs = ['latencyMs.e2e.p99:0%', 'server.cpuMsPer1kDeliveries:0%'].map(parseMetricSpec);
    let familyAlarms = 0;
    let perFigureAlarms = 0;
    const gates = 2000;
    for (let g = 0; g < gates; g++) {
      // A/A: both sides from the same distributions, two independent figures, 5 rounds each
      const side = () => Array.from({ length: 5 }, () => run(10 + normal(random), { cpu: 10 + normal(random) }));
      const d = decide(specs, side(), side());
      if (d.verdict === 'regression') familyAlarms++;
      if (d.metrics.some((m) => m.pWorse < 0.05)) perFigureAlarms++;
    }
    expect(familyAlarms / gates).toBeLessThanOrEqual(0.05);
    expect(perFigureAlarms / gates).toBeGreaterThan(familyAlarms / gates); // what testing each at alpha would have flagged
  }, 180_000); // 2,000 simulated gates with bootstrap intervals: ≈ 18 s alone, more beside the parallel pass
});
