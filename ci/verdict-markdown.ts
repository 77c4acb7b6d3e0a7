// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// The gate's verdict as Markdown (for the terminal, a CI log or a pull-request comment): the
// verdict first, then why, then every gated figure and the correctness counts. Pure.
import { median } from '../lib/median.js';
import { formatChange, type GateDecision, type MetricDecision } from './decide.js';
import { smallestP } from './stats.js';
import type { LookPlan } from './looks.js';

export interface GateContext {
  scenario: string;
  rounds: number;
  /** Simultaneous rounds: server pairs per round (default 1). */
  pairs?: number;
  baseline: string; // how the baseline server was started, in words
  candidate: string;
  alpha: number;
  /** How the rounds ran (default sequential). */
  mode?: 'simultaneous' | 'sequential';
  /** Simultaneous rounds: the interim looks planned, and the round after which one stopped the gate. */
  looks?: { plan: LookPlan; stoppedAfter?: number };
}

/** What the looks did, and so which level the verdict's test was at. */
function looksWords(c: GateContext): { level: number; words: string } {
  const l = c.looks;
  if (!l || l.plan.at.length === 0) return { level: c.alpha, words: '' };
  const each = `${+l.plan.alphaEach.toPrecision(3)}`;
  const floor = l.plan.spreadFloor > 0 ? `, assuming a per-round spread of at least ${+(l.plan.spreadFloor * 100).toPrecision(3)} %` : '';
  if (l.stoppedAfter !== undefined)
    return { level: l.plan.alphaEach, words: ` Stopped early, after round ${l.stoppedAfter} of ${c.rounds}: at that look the regression was already significant at ${each}${floor}, the share of alpha ${c.alpha} each look after rounds ${l.plan.at.join(' and ')} is tested at (docs/gate.md, "Stopping early").` };
  return { level: l.plan.alphaFinal, words: ` The looks after rounds ${l.plan.at.join(' and ')} (at ${each} each${floor}) found no clear regression, so every round ran; the test after the last is at ${+l.plan.alphaFinal.toPrecision(3)}, alpha ${c.alpha} less what the looks spent (docs/gate.md, "Stopping early").` };
}

const HEADLINE: Record<GateDecision['verdict'], string> = {
  pass: '✅ no regression',
  regression: '❌ regression',
  inconclusive: '⚠️ inconclusive',
};

const MARK: Record<MetricDecision['verdict'], string> = { regressed: '❌ regressed', 'no data': '❌ no data', improved: '✅ improved', unchanged: 'unchanged', 'n/a': 'n/a' };

function num(v: number): string {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 3 }) : 'n/a';
}

export function verdictMarkdown(d: GateDecision, c: GateContext): string {
  const looks = looksWords(c);
  const stopped = c.looks?.stoppedAfter;
  const lines = [
    `## chatbench gate: ${HEADLINE[d.verdict]}`,
    '',
    c.mode === 'simultaneous'
      ? `Scenario \`${c.scenario}\`, ${stopped === undefined ? `${c.rounds} rounds` : `${stopped} of ${c.rounds} rounds (stopped early)`}; in every round baseline and candidate ran at the same moment, ${(c.pairs ?? 1) > 1 ? `${c.pairs} servers of each, pair by pair under the same 1/${2 * c.pairs!} of the load (a round's ratio is the geometric mean of its pairs')` : 'each under the same half of the load'}.`
      : `Scenario \`${c.scenario}\`, ${c.rounds} rounds, baseline and candidate interleaved (ABBA order).`,
    `- baseline: ${c.baseline}`,
    `- candidate: ${c.candidate}`,
  ];
  if (d.reasons.length) lines.push('', ...d.reasons.map((r) => `- **${r}**`));
  lines.push(
    '',
    '| figure | baseline (median) | candidate (median) | change | 95% interval | p (worse) | tolerance | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...d.metrics.map((m) => {
      const interval = Number.isFinite(m.interval[0]) ? `${formatChange(m.interval[0])} … ${formatChange(m.interval[1])}` : 'n/a';
      const med = (xs: number[]) => (xs.length ? `${num(m.spec.show ? m.spec.show(median(xs)) : median(xs))}${m.spec.unit ? ` ${m.spec.unit}` : ''}` : 'n/a');
      const better = m.spec.better === 'lower' ? 'lower is better' : 'higher is better';
      return `| ${m.spec.label} (${better}) | ${med(m.baseline)} | ${med(m.candidate)} | ${formatChange(m.change)} | ${interval} | ${Number.isFinite(m.pWorse) ? m.pWorse.toFixed(3) : 'n/a'} | ${(m.spec.tolerance * 100).toFixed(0)}% | ${MARK[m.verdict]} |`;
    }),
    '',
    `Correctness (summed over the runs): ${d.correctness.map((k) => `${k.label} ${k.baseline} → ${k.candidate}${k.verdict === 'ok' ? '' : ` (${k.verdict})`}`).join(', ')}.`,
    '',
    c.mode === 'simultaneous'
      ? `A figure regressed when the change — the geometric mean of the per-round ratios candidate/baseline — is worse than the tolerance AND a one-sided t-test on the per-round log-ratios is significant at ${+looks.level.toPrecision(3)} for the whole family of gated figures (Hochberg's step-up: the k-th largest p of m is compared with ${+looks.level.toPrecision(3)}/k, and the first under its bar makes it and every smaller p significant). The interval is the t-interval of the change.${looks.words} Per-round ratios: ${d.metrics.map((m) => `${m.spec.label} ${m.ratios?.map((r) => r.toFixed(3)).join(', ') ?? 'n/a'}`).join('; ')}.`
      : `A figure regressed when its median is worse than the tolerance AND a one-sided Mann-Whitney U test over the rounds is significant at ${c.alpha} for the whole family of gated figures (Holm's step-down: the k-th smallest p of m is compared with ${c.alpha}/(m−k+1); with ${c.rounds} rounds per side the smallest possible p is ${smallestP(c.rounds).toPrecision(2)}). The interval is a bootstrap of the median change.`,
  );
  return lines.join('\n') + '\n';
}
