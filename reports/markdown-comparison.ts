// A Markdown table of runs side by side (for terminals, PR comments and summary.md): one column
// per group of runs (a variant, or a build), the median of each figure over the group's runs, its
// range when there are several, and its ratio to the first group. A pure function of results.
import { TABLE_FIGURES, type Figure } from '../results/figures.js';
import { groupFigure, valuesOf, type RunGroup } from './groups.js';


function show(f: Figure, v: number): string {
  const shown = f.show ? f.show(v) : v;
  return shown.toLocaleString('en-US', { maximumFractionDigits: Math.abs(shown) >= 100 ? 0 : 2 });
}

function cell(f: Figure, g: RunGroup, reference: RunGroup): string {
  const x = groupFigure(g, f, reference);
  if (x.median === null) return 'no data';
  let text = show(f, x.median) + (f.unit ? ` ${f.unit}` : '');
  const [lo, hi] = [show(f, x.lo!), show(f, x.hi!)];
  if (lo !== hi) text += ` (${lo}–${hi})`;
  if (x.ratio !== null) text += ` · ${x.ratio.toFixed(2)}×`;
  return text;
}

export function comparisonMarkdown(groups: RunGroup[]): string {
  const head = `| figure | ${groups.map((g) => `${g.label} (${g.results.length} run${g.results.length === 1 ? '' : 's'})`).join(' | ')} |`;
  const rule = `|---|${groups.map(() => '---:').join('|')}|`;
  const rows = TABLE_FIGURES.filter((f) => groups.some((g) => valuesOf(g, f).length > 0)).map((f) => `| ${f.label} | ${groups.map((g) => cell(f, g, groups[0]!)).join(' | ')} |`);
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
