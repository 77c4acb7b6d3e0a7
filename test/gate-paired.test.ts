// Simultaneous rounds: both sides get the same half of the clients and start at one instant; the
// paired test on per-round log-ratios keeps the family-wise false-alarm rate at alpha (seeded
// simulation) and sees a change that independent samples of the same noise would not.
import { describe, expect, it } from 'vitest';
import { HALF } from '../api/gate.js';
import { startLine } from '../api/start-together.js';
import { decide } from '../ci/decide.js';
import { parseMetricSpec } from '../ci/metric-spec.js';
import { pairedLogRatioTest, spread, tQuantileUpper, tUpperP } from '../ci/paired.js';
import { hochberg, holm, seededRandom } from '../ci/stats.js';
import { verdictMarkdown } from '../ci/verdict-markdown.js';
import { createExecutor } from '../loadgen/executors/registry.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import { roomMapper, shardClients } from '../loadgen/worker/population.js';
import { gateResult } from './helpers/gate-result.js';

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const SCENARIO = parseScenario('name: s\nclients: 200\nrampUp: 1s\nduration: 4s\nrooms: {size: 10}\nsenders: 0.5\nmessageRate: 4\n', 's.yaml');

describe('a simultaneous round', () => {
  it('gives each side exactly half the clients: the same clients, rooms and schedule', () => {
    const exec = createExecutor(SCENARIO);
    const roomOf = roomMapper(SCENARIO.rooms, exec.clients);
    const a = shardClients(exec.clients, roomOf, HALF);
    const b = shardClients(exec.clients, roomOf, HALF);
    expect(a).toHaveLength(exec.clients / 2);
    expect(b).toEqual(a); // mirrored: the same indexes, so the executor plans the same sends for both
    expect(new Set(a.map(roomOf)).size).toBe(10); // 10 whole rooms of the 20
    for (const i of a) expect(a.filter((j) => roomOf(j) === roomOf(i))).toHaveLength(10);
  });

  it('starts both sides at one instant once both have arrived, and releases a partner of a run that failed', async () => {
    const line = startLine(2);
    const first = line.arrive();
    await new Promise((r) => setTimeout(r, 30));
    const second = line.arrive();
    const [x, y] = await Promise.all([first, second]);
    expect(x).toBe(y);
    expect(x).toBeGreaterThan(Date.now());
    const broken = startLine(2);
    const waiting = broken.arrive();
    broken.fail(new Error('candidate server exited with code 1'));
    await expect(waiting).rejects.toThrow('the partner run failed: candidate server exited with code 1');
  });
});

describe('the paired t-test on log-ratios', () => {
  it('matches values computable by hand', () => {
    // ratios 1.1, 1.2, 1.0: log-ratios mean 0.0923, sd 0.0912, t = 1.753, df 2
    const t = pairedLogRatioTest([
      [10, 11],
      [10, 12],
      [10, 10],
    ]);
    expect(t.change).toBeCloseTo(Math.cbrt(1.1 * 1.2) - 1, 10);
    expect(t.pHigher).toBeCloseTo(0.1109, 3);
    expect(t.pHigher + t.pLower).toBeCloseTo(1, 10);
    expect(tQuantileUpper(0.025, 2)).toBeCloseTo(4.303, 3);
    expect(tUpperP(2.015, 5)).toBeCloseTo(0.05, 3);
    expect(t.interval[0]).toBeLessThan(t.change);
    expect(t.interval[1]).toBeGreaterThan(t.change);
    expect(spread([1, 1, 1])).toBe(0);
  });

  it.each([['Holm', holm], ['Hochberg', hochberg]] as const)('keeps the family-wise false-alarm rate at or under alpha when nothing changed (3 figures, %s)', (_, family) => {
    const random = seededRandom(7);
    const sims = 4000;
    let alarms = 0;
    for (let s = 0; s < sims; s++) {
      const ps = [0.03, 0.08, 0.15].map((sd) => {
        const pairs = Array.from({ length: 6 }, () => {
          const machine = Math.exp(0.2 * normal(random)); // the round's state: both sides alike
          return [10 * machine * Math.exp(sd * normal(random)), 10 * machine * Math.exp(sd * normal(random))] as const;
        });
        return pairedLogRatioTest(pairs).pHigher;
      });
      if (family(ps, 0.05).some(Boolean)) alarms++;
    }
    // binomial sd at 5 % of 4000 is 0.34 %
    expect(alarms / sims).toBeLessThanOrEqual(0.05 + 0.01);
    expect(alarms / sims).toBeGreaterThan(0.02); // and not a test that never fires
  });

  it("keeps Hochberg's false-alarm rate at alpha for two figures whose noise leans apart, as server CPU and e2e p50 do here", () => {
    // A/A rounds of gate-fanout: the per-round log-ratios of CPU per delivery and of e2e p50
    // correlated at r ≈ −0.2 (docs/gate.md, "Why Hochberg"); −0.6 here, to be sure
    const random = seededRandom(13);
    const rho = -0.6;
    const sims = 8000;
    let alarms = 0;
    for (let s = 0; s < sims; s++) {
      const rounds = Array.from({ length: 20 }, () => {
        const a = normal(random);
        return [a, rho * a + Math.sqrt(1 - rho ** 2) * normal(random)] as const;
      });
      const ps = [0, 1].map((f) => pairedLogRatioTest(rounds.map((r) => [1, Math.exp(0.05 * r[f]!)] as const)).pHigher);
      if (hochberg(ps, 0.05).some(Boolean)) alarms++;
    }
    // binomial sd at 5 % of 8000 is 0.24 %
    expect(alarms / sims).toBeLessThanOrEqual(0.05 + 0.008);
    expect(alarms / sims).toBeGreaterThan(0.035);
  });

  it('calls a paired regression that moves both gated figures a little, as a dearer delivery does', () => {
    // a +5 % gate of the 2026-12-07 fourth sitting that Holm passed: CPU per delivery +3.7 %
    // (p = 0.011), e2e p50 +5.4 % (p = 0.016), both under the final 0.018, the smaller over 0.009
    const cpu = [1.128, 0.901, 0.976, 1.092, 1.062, 1.017, 1.081, 1.075, 0.931, 1.098, 1.022, 1.055, 0.897, 1.075, 1.057, 1.064, 1.04, 1.089, 1.047, 1.063];
    const p50 = [0.974, 1.272, 0.961, 0.998, 0.933, 1.027, 1.063, 1.065, 1.293, 1.047, 1.012, 1.051, 1.066, 0.998, 1.101, 1.274, 1.097, 0.951, 0.888, 1.123];
    const specs = ['server.cpuMsPer1kDeliveries:2%', 'latencyMs.e2e.p50:5%'].map(parseMetricSpec);
    const base = cpu.map(() => gateResult(20, 1.5));
    const cand = cpu.map((c, i) => gateResult(20 * c, 1.5 * p50[i]!));
    const d = decide(specs, base, cand, 0.018, 'paired');
    expect(d.metrics.map((m) => +m.pWorse.toFixed(3))).toEqual([0.011, 0.016]);
    expect(d.verdict).toBe('regression');
    expect(d.metrics.map((m) => m.verdict)).toEqual(['regressed', 'regressed']);
    expect(holm(d.metrics.map((m) => m.pWorse), 0.018)).toEqual([false, false]);
  });

  it('sees +10 % through a machine whose state moves both sides by 20 % from round to round', () => {
    const random = seededRandom(11);
    let seen = 0;
    for (let s = 0; s < 500; s++) {
      const pairs = Array.from({ length: 6 }, () => {
        const machine = Math.exp(0.2 * normal(random));
        return [10 * machine * Math.exp(0.03 * normal(random)), 11 * machine * Math.exp(0.03 * normal(random))] as const;
      });
      if (pairedLogRatioTest(pairs).pHigher < 0.05) seen++;
    }
    expect(seen / 500).toBeGreaterThan(0.95);
  });
});

const run = gateResult;

describe('the decision on simultaneous rounds', () => {
  it('pairs run i of each side: a steady +10 % under a drifting machine regresses; shuffled pairing would not see it', () => {
    const machine = [20, 26, 18, 30, 22, 25];
    const base = machine.map((m) => run(m));
    const cand = machine.map((m, i) => run(m * 1.1 * (1 + (i % 2 ? 0.01 : -0.01))));
    const spec = parseMetricSpec('server.cpuMsPer1kDeliveries:2%');
    const paired = decide([spec], base, cand, 0.05, 'paired');
    expect(paired.verdict).toBe('regression');
    expect(paired.metrics[0]!.change).toBeCloseTo(0.1, 2);
    expect(paired.metrics[0]!.ratios).toHaveLength(6);
    const independent = decide([spec], base, cand, 0.05, 'independent');
    expect(independent.verdict).toBe('pass'); // the same numbers as unpaired samples: lost in the drift
    const md = verdictMarkdown(paired, { scenario: 's', rounds: 6, baseline: 'a', candidate: 'b', alpha: 0.05, mode: 'simultaneous' });
    expect(md).toContain('at the same moment');
    expect(md).toContain('t-test on the per-round log-ratios');
  });

  it('needs 3 rounds where both sides measured the figure', () => {
    const d = decide([parseMetricSpec('server.cpuMsPer1kDeliveries:2%')], [run(10), run(10)], [run(11), run(11)], 0.05, 'paired');
    expect(d.metrics[0]!.verdict).toBe('n/a');
    expect(d.verdict).toBe('inconclusive');
  });

  it('with several server pairs per round, weighs one ratio per round: the geometric mean of its pairs', () => {
    const spec = parseMetricSpec('server.cpuMsPer1kDeliveries:2%');
    // 3 rounds of 2 pairs; pair ratios 1.21 and 1.0 (mean log: ×1.1), 1.1 and 1.1, 1.0 and 1.21
    const base = [10, 10, 20, 20, 10, 10].map((v) => run(v));
    const cand = [12.1, 10, 22, 22, 10, 12.1].map((v) => run(v));
    const d = decide([spec], base, cand, 0.05, 'paired', 2);
    expect(d.metrics[0]!.ratios).toHaveLength(3);
    for (const r of d.metrics[0]!.ratios!) expect(r).toBeCloseTo(1.1, 10);
    expect(d.metrics[0]!.change).toBeCloseTo(0.1, 10);
    // a pair where the baseline measured nothing drops out of its round; the round stays (the
    // candidate missing a figure the baseline has is a regression of its own, 'no data')
    const gap = decide([spec], [run(10), run(null as unknown as number), ...base.slice(2)], cand, 0.05, 'paired', 2);
    expect(gap.metrics[0]!.ratios![0]).toBeCloseTo(1.21, 10);
    // rounds, not pairs, are what the test counts: 2 rounds of 3 pairs are too few
    expect(decide([spec], base, cand, 0.05, 'paired', 3).metrics[0]!.verdict).toBe('n/a');
    expect(decide([spec], base, cand, 0.05, 'paired', 1).metrics[0]!.ratios).toHaveLength(6);
  });
});
