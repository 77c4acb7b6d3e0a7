// The summary table: one column per run, one row per figure. Each cell carries data-metric (a path
// into result.json) and data-value (the value at that path), so tests — and people — can check
// the page against the file.
import type { Result } from '../schema.js';
import { escapeHtml } from './escape.js';

interface Row {
  label: string;
  metric: string; // path into the result
  unit?: string;
  /** How to show the raw value (default: as is). */
  show?: (v: number) => number;
}

const KiB = (b: number) => Math.round(b / 102.4) / 10;
const MiB = (b: number) => Math.round(b / 1048576);

export const SUMMARY_ROWS: Row[] = [
  { label: 'Connections target', metric: 'connections.target' },
  { label: 'Connections peak', metric: 'connections.peak' },
  { label: 'Connections failed', metric: 'connections.failed' },
  { label: 'Sends/s', metric: 'throughput.sentPerSec' },
  { label: 'Deliveries/s', metric: 'throughput.deliveredPerSec' },
  { label: 'e2e p50', metric: 'latencyMs.e2e.p50', unit: 'ms' },
  { label: 'e2e p90', metric: 'latencyMs.e2e.p90', unit: 'ms' },
  { label: 'e2e p99', metric: 'latencyMs.e2e.p99', unit: 'ms' },
  { label: 'e2e p99.9', metric: 'latencyMs.e2e.p999', unit: 'ms' },
  { label: 'e2e max', metric: 'latencyMs.e2e.max', unit: 'ms' },
  { label: 'e2e p99 (uncorrected)', metric: 'latencyMs.e2eUncorrected.p99', unit: 'ms' },
  { label: 'ack p99', metric: 'latencyMs.ack.p99', unit: 'ms' },
  { label: 'connect p99', metric: 'latencyMs.connect.p99', unit: 'ms' },
  { label: 'Delivered', metric: 'messages.delivered' },
  { label: 'Expected', metric: 'messages.expected' },
  { label: 'Lost', metric: 'messages.lost' },
  { label: 'Duplicated', metric: 'messages.duplicated' },
  { label: 'Reordered', metric: 'messages.reordered' },
  { label: 'Server RSS / connection (ramp slope)', metric: 'server.memoryPerConnection.rssBytes', unit: 'KiB', show: KiB },
  { label: 'Server heap / connection (ramp slope)', metric: 'server.memoryPerConnection.heapBytes', unit: 'KiB', show: KiB },
  { label: 'Server RSS / connection (idle hold)', metric: 'server.idleHold.rssBytesPerConnection', unit: 'KiB', show: KiB },
  { label: 'Server peak RSS', metric: 'server.rssBytes', unit: 'MiB', show: MiB },
  { label: 'Server CPU / 1k deliveries', metric: 'server.cpuMsPer1kDeliveries', unit: 'ms' },
  { label: 'Generator CPU', metric: 'generator.cpuSeconds', unit: 's' },
  { label: 'Generator loop delay p99', metric: 'generator.loopDelayP99Ms', unit: 'ms' },
];

/** The value at a dotted path of a result, or null. */
export function valueAt(r: Result, path: string): number | null {
  let v: unknown = r;
  for (const key of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : null;
}

function format(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function renderSummaryTable(results: Result[], labels: string[]): string {
  const head = labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('');
  const rows = SUMMARY_ROWS.map((row) => {
    const cells = results
      .map((r, i) => {
        const v = valueAt(r, row.metric);
        const shown = v === null ? '—' : `${format(row.show ? row.show(v) : v)}${row.unit ? ` <span class="unit">${row.unit}</span>` : ''}`;
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
  return `<table class="summary"><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join('')}${thresholds}</tbody></table>`;
}

/** Errors and close codes, all runs side by side. */
export function renderCodesTable(results: Result[], labels: string[]): string {
  const keys = (pick: (r: Result) => Record<string, number>) => [...new Set(results.flatMap((r) => Object.keys(pick(r))))].sort();
  const section = (title: string, pick: (r: Result) => Record<string, number>, kind: string) =>
    keys(pick)
      .map((k) => `<tr><th scope="row">${title} ${escapeHtml(k)}</th>${results.map((r, i) => `<td data-run="${i}" data-${kind}="${escapeHtml(k)}">${pick(r)[k] ?? 0}</td>`).join('')}</tr>`)
      .join('');
  const body = section('error', (r) => r.errors, 'error') + section('close', (r) => r.closes, 'close');
  if (!body) return '<p>No errors; no connection closed during the runs.</p>';
  return `<table class="codes"><thead><tr><th></th>${labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}
