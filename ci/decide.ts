// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// The gate's decision, a pure function of the runs: per metric, the median change of the candidate
// against the baseline, a bootstrap interval of it, a one-sided Mann-Whitney p-value in the
// direction that would be worse, and a verdict. A metric regressed when BOTH hold: the median
// change is worse than its tolerance, and p is significant at alpha for the family of gated figures
// (Hochberg's step-up for simultaneous rounds, Holm's step-down for sequential ones). Either alone
// is noise or a trivial change.
import { median } from '../lib/median.js';
import { figure, figureValue, valueAt } from '../results/figures.js';
import type { Result } from '../results/schema.js';
import { CORRECTNESS, type MetricSpec } from './metric-spec.js';
import { changeInterval, hochberg, holm, pGreater } from './stats.js';
import { pairedLogRatioTest, roundRatio } from './paired.js';

export type MetricVerdict = 'regressed' | 'no data' | 'improved' | 'unchanged' | 'n/a';

export interface MetricDecision {
  spec: MetricSpec;
  baseline: number[];
  candidate: number[];
  change: number; // median(candidate) / median(baseline) − 1
  interval: [number, number];
  pWorse: number; // one-sided: the candidate is worse
  pBetter: number;
  verdict: MetricVerdict;
  /** Simultaneous rounds: the per-round ratios candidate/baseline the test weighed. */
  ratios?: number[];
}

/** How the runs pair up: independent samples (sequential rounds: Mann-Whitney on the values) or
 * run i of each side measured at the same moment (simultaneous rounds: a paired test on the
 * per-round log-ratios). */
export type Design = 'independent' | 'paired';

export interface CorrectnessDecision {
  label: string;
  baseline: number; // summed over the runs
  candidate: number;
  verdict: 'ok' | 'regressed' | 'baseline-unsound';
}

/** Fewer deliveries per message sent than this share below the baseline's is a regression. The
 * count of sends itself is not compared: a fixed schedule sends a message more or less per sender
 * at the edges of a run (and a closed-loop sender's pace is what the gated figures measure), so
 * in a short run one message more is already a few per cent of the deliveries. */
export const DELIVERY_TOLERANCE = 0.01;

export interface GateDecision {
  verdict: 'pass' | 'regression' | 'inconclusive';
  reasons: string[];
  metrics: MetricDecision[];
  correctness: CorrectnessDecision[];
  saturatedRuns: number;
}

/** One figure's change and one-sided p-values; its verdict is 'unchanged' until decide() has
 * weighed all the gated figures together (or 'no data' / 'n/a' when it cannot be tested). */
function measureMetric(spec: MetricSpec, baseRuns: Result[], candRuns: Result[], design: Design, pairsPerRound: number, spreadFloor: number): MetricDecision {
  const f = figure(spec.path);
  const values = (rs: Result[]) => rs.map((r) => (f ? figureValue(r, f) : valueAt(r, spec.path))).filter((v): v is number => v !== null);
  const baseline = values(baseRuns);
  const candidate = values(candRuns);
  const base: Omit<MetricDecision, 'verdict' | 'change' | 'interval' | 'pWorse' | 'pBetter'> = { spec, baseline, candidate };
  // a figure the baseline measured and the candidate did not is a regression, never an improvement
  if (baseline.length === baseRuns.length && candidate.length < candRuns.length) {
    return { ...base, change: NaN, interval: [NaN, NaN], pWorse: NaN, pBetter: NaN, verdict: 'no data' };
  }
  if (baseline.length < 2 || candidate.length < 2 || median(baseline) === 0) {
    return { ...base, change: NaN, interval: [NaN, NaN], pWorse: NaN, pBetter: NaN, verdict: 'n/a' };
  }
  if (design === 'paired') return measurePaired(spec, baseRuns, candRuns, base, pairsPerRound, spreadFloor);
  const change = median(candidate) / median(baseline) - 1;
  const higherIsWorse = spec.better === 'lower';
  const pWorse = higherIsWorse ? pGreater(candidate, baseline) : pGreater(baseline, candidate);
  const pBetter = higherIsWorse ? pGreater(baseline, candidate) : pGreater(candidate, baseline);
  return { ...base, change, interval: changeInterval(baseline, candidate), pWorse, pBetter, verdict: 'unchanged' };
}

/** Run i of each side came from the same round: the change is the geometric mean of the per-round
 * ratios, p a one-sided t-test on their logs. With several server pairs per round (`pairsPerRound`
 * consecutive runs of each side), a round's log-ratio is the mean of its pairs' — the pairs share
 * the round's moment, so the test counts rounds, not pairs. Pairs, and then rounds, where a side
 * measured nothing drop out. `spreadFloor`: the least spread of the log-ratios the test assumes. */
function measurePaired(spec: MetricSpec, baseRuns: Result[], candRuns: Result[], base: Omit<MetricDecision, 'verdict' | 'change' | 'interval' | 'pWorse' | 'pBetter'>, pairsPerRound: number, spreadFloor: number): MetricDecision {
  const f = figure(spec.path);
  const value = (r: Result | undefined) => (r ? (f ? figureValue(r, f) : valueAt(r, spec.path)) : null);
  const rounds = Math.ceil(baseRuns.length / pairsPerRound);
  const pairs = Array.from({ length: rounds }, (_, round) => {
    const of = baseRuns.slice(round * pairsPerRound, (round + 1) * pairsPerRound).map((b, j) => [value(b), value(candRuns[round * pairsPerRound + j])] as const);
    const ratio = roundRatio(of);
    return Number.isNaN(ratio) ? [] : [[1, ratio] as const];
  }).flat();
  if (pairs.length < 3) return { ...base, change: NaN, interval: [NaN, NaN], pWorse: NaN, pBetter: NaN, verdict: 'n/a' };
  const t = pairedLogRatioTest(pairs, 0.95, spreadFloor);
  const higherIsWorse = spec.better === 'lower';
  return { ...base, change: t.change, interval: t.interval, pWorse: higherIsWorse ? t.pHigher : t.pLower, pBetter: higherIsWorse ? t.pLower : t.pHigher, verdict: 'unchanged', ratios: t.ratios };
}

function decideCorrectness(baseRuns: Result[], candRuns: Result[]): CorrectnessDecision[] {
  const sum = (rs: Result[], path: string) => rs.reduce((a, r) => a + (valueAt(r, path) ?? 0), 0);
  return CORRECTNESS.map(({ path, label }) => {
    const baseline = sum(baseRuns, path);
    const candidate = sum(candRuns, path);
    const verdict = baseline > 0 ? 'baseline-unsound' : candidate > 0 ? 'regressed' : 'ok';
    return { label, baseline, candidate, verdict };
  });
}

/** Sanity checks (result.checks) failed, per side, as reasons. */
function decideChecks(baseRuns: Result[], candRuns: Result[]): { baseline: string[]; candidate: string[] } {
  const failed = (rs: Result[], side: string) => {
    const names = new Map<string, number>();
    for (const r of rs) for (const c of r.checks) if (!c.ok) names.set(c.name, (names.get(c.name) ?? 0) + 1);
    return [...names].map(([name, n]) => `sanity check "${name}" failed in ${n} of ${rs.length} ${side} run(s)`);
  };
  return { baseline: failed(baseRuns, 'baseline'), candidate: failed(candRuns, 'candidate') };
}

/** Each message the candidate was sent reached fewer receivers than in the baseline, beyond
 * DELIVERY_TOLERANCE or one message's worth of the run (a receiver that joined a moment later at
 * an edge), whichever is larger. A candidate that was sent messages and delivered none is caught
 * here whatever else it did. */
function fewerDeliveries(baseRuns: Result[], candRuns: Result[]): string[] {
  const perSent = (rs: Result[]) => median(rs.map((r) => (r.messages.sent > 0 ? r.messages.delivered / r.messages.sent : 0)));
  const base = perSent(baseRuns);
  const cand = perSent(candRuns);
  const baseSent = median(baseRuns.map((r) => r.messages.sent));
  const tolerance = Math.max(DELIVERY_TOLERANCE, baseSent > 0 ? 1 / baseSent : 0);
  if (base === 0 || cand >= base * (1 - tolerance)) return [];
  const side = (rs: Result[], perMessage: number) =>
    `${median(rs.map((r) => r.messages.delivered))} deliveries for ${median(rs.map((r) => r.messages.sent))} sent (${perMessage.toFixed(2)} per message, medians)`;
  return [`Deliveries: ${side(candRuns, cand)} in the candidate against ${side(baseRuns, base)} in the baseline (${formatChange(cand / base - 1)})`];
}

/** The multiple-testing procedure over the gated figures, by the rounds' design. */
function familyProcedure(design: Design): (ps: readonly number[], alpha: number) => boolean[] {
  return design === 'paired' ? hochberg : holm;
}

/** `spreadFloor` (paired only): the least spread of the per-round log-ratios the test assumes, for
 * a simultaneous gate's interim looks (ci/looks.ts); 0 for the test after the last round. */
export function decide(specs: MetricSpec[], baseRuns: Result[], candRuns: Result[], alpha = 0.05, design: Design = 'independent', pairsPerRound = 1, spreadFloor = 0): GateDecision {
  // each figure is tested once, and the family's procedure keeps the chance that any figure is
  // called worse (or better) by noise ≤ alpha, however many are gated. Simultaneous rounds use
  // Hochberg's step-up, which also catches a change that moves every figure a little (a dearer
  // delivery is slower too); it was calibrated there (docs/gate.md, "Why Hochberg"). Sequential
  // rounds keep Holm's step-down, as calibrated.
  const family = familyProcedure(design);
  const raw = specs.map((s) => measureMetric(s, baseRuns, candRuns, design, pairsPerRound, spreadFloor));
  const worse = family(raw.map((m) => m.pWorse), alpha);
  const better = family(raw.map((m) => m.pBetter), alpha);
  const metrics = raw.map((m, i): MetricDecision => {
    if (m.verdict !== 'unchanged') return m; // no data, or n/a
    const worseBy = m.spec.better === 'lower' ? m.change : -m.change;
    const verdict: MetricVerdict = worseBy > m.spec.tolerance && worse[i] ? 'regressed' : -worseBy > m.spec.tolerance && better[i] ? 'improved' : 'unchanged';
    return { ...m, verdict };
  });
  const correctness = decideCorrectness(baseRuns, candRuns);
  const checks = decideChecks(baseRuns, candRuns);
  const saturatedRuns = [...baseRuns, ...candRuns].filter((r) => r.generator.saturated).length;
  const broken = [
    ...checks.candidate,
    ...correctness.filter((c) => c.verdict === 'regressed').map((c) => `${c.label}: ${c.candidate} in the candidate, none in the baseline`),
    ...fewerDeliveries(baseRuns, candRuns),
    ...metrics.filter((m) => m.verdict === 'no data').map((m) => `${m.spec.label}: no data in the candidate (the baseline measured it)`),
  ];
  const unsound = [
    ...checks.baseline,
    ...(saturatedRuns ? [`the load generator may have been the bottleneck in ${saturatedRuns} run(s): latency and CPU figures may be the generator's`] : []),
    ...correctness.filter((c) => c.verdict === 'baseline-unsound').map((c) => `${c.label}: ${c.baseline} already in the baseline runs`),
  ];
  const slower = metrics.filter((m) => m.verdict === 'regressed').map((m) => `${m.spec.label} ${formatChange(m.change)} (p = ${m.pWorse.toFixed(3)})`);
  const unusable = metrics.filter((m) => m.verdict === 'n/a').map((m) => `${m.spec.label}: fewer than 2 values per side, or a zero baseline`);
  // Lost or failed deliveries count whatever else happened; figures from unsound runs decide
  // nothing either way; a gated figure without values is a configuration to fix, not a pass.
  if (broken.length) return { verdict: 'regression', reasons: [...broken, ...slower], metrics, correctness, saturatedRuns };
  if (unsound.length) return { verdict: 'inconclusive', reasons: unsound, metrics, correctness, saturatedRuns };
  if (slower.length) return { verdict: 'regression', reasons: slower, metrics, correctness, saturatedRuns };
  if (unusable.length) return { verdict: 'inconclusive', reasons: unusable, metrics, correctness, saturatedRuns };
  return { verdict: 'pass', reasons: [], metrics, correctness, saturatedRuns };
}

export function formatChange(change: number): string {
  return Number.isFinite(change) ? `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%` : 'n/a';
}
