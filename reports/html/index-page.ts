// The run index: one row per run (newest first), linking to each run's report. Pure function of
// the results found; unreadable ones are listed with the reason rather than hidden.
import type { Result } from '../../results/schema.js';
import { escapeHtml } from './escape.js';
import { REPORT_CSS } from './style.js';

export interface IndexEntry {
  /** Link to the run's report, relative to the index page. */
  href: string;
  result?: Result;
  problem?: string;
}

export function verdictOf(r: Result): { text: string; cls: string } {
  if (r.checks.some((c) => !c.ok)) return { text: '✗ sanity checks failed', cls: 'bad' };
  if (r.thresholds.some((t) => !t.ok)) return { text: '✗ thresholds failed', cls: 'bad' };
  if (r.generator.saturated) return { text: '⚠ generator saturated', cls: 'warn' };
  if (r.thresholds.length) return { text: '✓ thresholds ok', cls: 'ok' };
  return { text: '— no thresholds', cls: '' };
}

export function renderIndex(entries: IndexEntry[], title = 'chatbench runs'): string {
  const ok = entries.filter((e) => e.result).sort((a, b) => b.result!.startedAt.localeCompare(a.result!.startedAt));
  const bad = entries.filter((e) => !e.result);
  const rows = ok.map(({ href, result: r }) => {
    const v = verdictOf(r!);
    return `<tr data-scenario="${escapeHtml(r!.scenario.name)}" data-variant="${escapeHtml(r!.variant)}">
<td><a href="${escapeHtml(href)}">${escapeHtml(r!.startedAt.replace('T', ' ').slice(0, 19))}</a></td>
<td>${escapeHtml(r!.scenario.name)}</td><td>${escapeHtml(r!.variant)}</td><td>${r!.connections.peak.toLocaleString('en-US')}</td>
<td data-metric="throughput.deliveredPerSec">${r!.throughput.deliveredPerSec.toLocaleString('en-US')}</td>
<td data-metric="latencyMs.e2e.p99">${r!.latencyMs.e2e.p99 ?? 'no data'}</td><td class="${v.cls}">${v.text}</td></tr>`;
  });
  const problems = bad.length
    ? `<h2>Unreadable results</h2><ul>${bad.map((e) => `<li>${escapeHtml(e.href)}: ${escapeHtml(e.problem ?? '')}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${ok.length} run${ok.length === 1 ? '' : 's'}. Latency is e2e p99 in ms, from the intended send time.</p>
<table class="index"><thead><tr><th>started (UTC)</th><th>scenario</th><th>variant</th><th>clients</th><th>deliveries/s</th><th>e2e p99</th><th>verdict</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>${problems}
</body></html>
`;
}
