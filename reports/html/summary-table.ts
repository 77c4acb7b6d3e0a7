// The summary table: one column per run, one row per figure. Each cell carries data-metric (a path
// into result.json) and data-value (the value at that path), so tests — and people — can check
// the page against the file.
import type { Result } from '../../results/schema.js';
import { TABLE_FIGURES, figureValue } from '../../results/figures.js';
import { escapeHtml } from './escape.js';

function format(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function renderSummaryTable(results: Result[], labels: string[]): string {
  const head = labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('');
  const rows = TABLE_FIGURES.map((row) => {
    const cells = results
      .map((r, i) => {
        const v = figureValue(r, row);
        const shown = v === null ? '<span class="nodata">no data</span>' : `${format(row.show ? row.show(v) : v)}${row.unit ? ` <span class="unit">${row.unit}</span>` : ''}`;
        return `<td data-run="${i}" data-metric="${row.metric}" data-value="${v ?? ''}">${shown}</td>`;
      })
      .join('');
    return `<tr><th scope="row">${row.label}</th>${cells}</tr>`;
  });
  const thresholds = results.some((r) => r.thresholds.length)
    ? `<tr><th scope="row">Thresholds</th>${results
        .map((r, i) => `<td data-run="${i}" data-metric="thresholds">${r.thresholds.map((t) => `<div class="${t.ok ? 'ok' : 'bad'}">${t.ok ? '✓' : '✗'} ${escapeHtml(t.expression)} (${t.actual ?? 'n/a'})</div>`).join('') || '—'}</td>`)
        .join('')}</tr>`
    : '';
  const checks = `<tr><th scope="row">Sanity checks</th>${results
    .map((r, i) => {
      const failed = r.checks.filter((c) => !c.ok);
      const body = failed.length ? failed.map((c) => `<div class="bad">✗ ${escapeHtml(c.name)}: ${escapeHtml(c.detail)}</div>`).join('') : `<div class="ok">✓ all ${r.checks.length} passed</div>`;
      return `<td data-run="${i}" data-metric="checks" data-failed="${failed.length}">${r.checks.length ? body : '—'}</td>`;
    })
    .join('')}</tr>`;
  return `<table class="summary"><thead><tr><th></th>${head}</tr></thead><tbody>${checks}${rows.join('')}${thresholds}</tbody></table>`;
}

type Codes = Pick<Result, 'errors' | 'closes'>;

/** Errors and close codes side by side: one column per run, or per group (summed over its runs). */
export function renderCodesTable(results: Codes[], labels: string[]): string {
  const keys = (pick: (r: Codes) => Record<string, number>) => [...new Set(results.flatMap((r) => Object.keys(pick(r))))].sort();
  const section = (title: string, pick: (r: Codes) => Record<string, number>, kind: string) =>
    keys(pick)
      .map((k) => `<tr><th scope="row">${title} ${escapeHtml(k)}</th>${results.map((r, i) => `<td data-run="${i}" data-${kind}="${escapeHtml(k)}">${pick(r)[k] ?? 0}</td>`).join('')}</tr>`)
      .join('');
  const body = section('error', (r) => r.errors, 'error') + section('close', (r) => r.closes, 'close');
  if (!body) return '<p>No errors; no connection closed during the runs.</p>';
  return `<table class="codes"><thead><tr><th></th>${labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}
