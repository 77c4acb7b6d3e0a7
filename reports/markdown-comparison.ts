// A Markdown table of runs side by side (for terminals, PR comments and summary.md): one column
// per group of runs (a variant, or a build), the median of each figure over the group's runs, its
// range when there are several, and its ratio to the first group. A pure function of results.
import { median } from '../lib/median.js';
import { FIGURES, valueAt, type Figure } from './figures.js';
import type { Result } from './schema.js';

export interface RunGroup {
  label: string;
  results: Result[];
}

function show(f: Figure, v: number): string {
  const shown = f.show ? f.show(v) : v;
  return shown.toLocaleString('en-US', { maximumFractionDigits: Math.abs(shown) >= 100 ? 0 : 2 });
}

function cell(f: Figure, values: number[], base: number | undefined): string {
  if (values.length === 0) return 'no data';
  const m = median(values);
  let text = show(f, m) + (f.unit ? ` ${f.unit}` : '');
  const [lo, hi] = [show(f, Math.min(...values)), show(f, Math.max(...values))];
  if (lo !== hi) text += ` (${lo}–${hi})`;
  if (base !== undefined && base !== 0) text += ` · ${(m / base).toFixed(2)}×`;
  return text;
}

export function comparisonMarkdown(groups: RunGroup[]): string {
  const valuesOf = (g: RunGroup, f: Figure) => g.results.map((r) => valueAt(r, f.metric)).filter((v): v is number => v !== null);
  const head = `| figure | ${groups.map((g) => `${g.label} (${g.results.length} run${g.results.length === 1 ? '' : 's'})`).join(' | ')} |`;
  const rule = `|---|${groups.map(() => '---:').join('|')}|`;
  const rows = FIGURES.filter((f) => groups.some((g) => valuesOf(g, f).length > 0)).map((f) => {
    const base = valuesOf(groups[0]!, f);
    const baseMedian = base.length ? median(base) : undefined;
    return `| ${f.label} | ${groups.map((g, i) => cell(f, valuesOf(g, f), i === 0 ? undefined : baseMedian)).join(' | ')} |`;
  });
  const lines = [head, rule, ...rows, ''];
  lines.push(`Median over each column's runs, (min–max) when they differ; · N× is the ratio to ${groups[0]!.label}.`);
  const flagged = groups.flatMap((g) => g.results.filter((r) => r.generator.saturated).map((r) => `${g.label} @ ${r.startedAt}`));
  if (flagged.length) lines.push('', `**Warning: the load generator may have been the bottleneck in ${flagged.length} run(s)** (${flagged.join(', ')}): their latency may be the generator's.`);
  const broken = groups.flatMap((g) => g.results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${g.label}: ${c.name} (${c.detail})`)));
  if (broken.length) lines.push('', `**Sanity checks failed — these runs measured too little to compare:** ${broken.join('; ')}`);
  const failed = groups.flatMap((g) => g.results.flatMap((r) => r.thresholds.filter((t) => !t.ok).map((t) => `${g.label}: ${t.expression} (${t.actual ?? 'n/a'})`)));
  if (failed.length) lines.push('', `**Thresholds failed:** ${failed.join('; ')}`);
  return lines.join('\n') + '\n';
}
