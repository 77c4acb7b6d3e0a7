// `chatbench history DIR…`: result files of many commits (e.g. the gate's baseline runs kept by CI)
// as one trend report per figure, with change points; exit 98 when the newest commit starts a
// worse level of any figure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { byCommit, figureHistory, type FigureHistory } from '../ci/history.js';
import { DEFAULT_METRICS, parseMetricSpec } from '../ci/metric-spec.js';
import { renderHistoryPage } from '../reports/history-page.js';
import type { Result } from '../results/schema.js';
import { HISTORY_FLAGS } from './commands.js';
import { readResult, resultFilesIn } from './files/run-files.js';
import { timeStamp } from './files/write-run.js';
import { GATE_REGRESSION_EXIT } from './gate.js';
import { asUsage, UsageError } from './usage-error.js';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function markdown(histories: FigureHistory[], commits: number, skipped: string[]): string {
  const lines = [`## chatbench history: ${commits} commits`, ''];
  for (const h of histories) {
    lines.push(`**${h.spec.label}** (${h.points.length} commits): ${h.changes.length ? `${h.changes.length} change point(s)` : 'no change point'}${h.newestRegression ? ` — ❌ the newest commit starts a worse level (${pct(h.newestRegression.change)})` : ''}`);
    for (const c of h.changes) {
      const before = h.points[c.index - 1]?.commit.slice(0, 10) ?? '—';
      lines.push(`- ${c.worse ? '❌ worse' : '✅ better'} ${pct(c.change)} between ${before} and ${h.points[c.index]!.commit.slice(0, 10)} (${h.points[c.index]!.date.slice(0, 10)}; p = ${c.p.toExponential(1)})`);
    }
    lines.push('');
  }
  if (skipped.length) lines.push(`${skipped.length} result(s) without a git commit left out: ${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}`, '');
  return lines.join('\n');
}

export async function history(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: HISTORY_FLAGS });
  if (positionals.length === 0) throw new UsageError('usage: chatbench history DIR|RESULT.json … [--metric FIG]… [--label L] [--out DIR]');
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${values.alpha}: expected a number between 0 and 0.5`);
  const specs = (values.metric?.length ? values.metric : DEFAULT_METRICS).map((m) => asUsage(() => parseMetricSpec(m)));
  const files = asUsage(() => resultFilesIn(positionals, 6));
  const results: Result[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const r = readResult(f);
    if (values.label && r.label !== values.label) continue;
    if (!r.env.gitCommit && !r.env.serverGitCommit) skipped.push(f);
    else results.push(r);
  }
  const commits = byCommit(results);
  if (commits.length < 3) {
    console.log(`chatbench history: ${commits.length} commit(s) in ${results.length} result(s): at least 3 are needed to find a change`);
    return 0;
  }
  const histories = specs.map((s) => figureHistory(s, commits, alpha));
  const out = resolve(values.out ?? join('reports', 'history', timeStamp()));
  mkdirSync(out, { recursive: true });
  const note = `${results.length} runs of ${commits.length} commits${values.label ? `, label ${values.label}` : ''}`;
  const pages = histories.map((h) => {
    const file = join(out, `${h.spec.path.replace(/[^A-Za-z0-9]+/g, '-')}.html`);
    writeFileSync(file, renderHistoryPage(h, note));
    return file;
  });
  const md = markdown(histories, commits.length, skipped);
  writeFileSync(join(out, 'history.md'), md);
  console.log(md);
  for (const p of pages) console.log(`report: ${p}`);
  return histories.some((h) => h.newestRegression) ? GATE_REGRESSION_EXIT : 0;
}
