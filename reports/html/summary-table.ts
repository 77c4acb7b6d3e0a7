// The summary table: one column per run, one row per figure. Each cell carries data-metric so
// tests (and people) can check it against result.json.
import type { Result } from '../schema.js';
import { escapeHtml } from './escape.js';

interface Row {
  label: string;
  metric: string;
  value: (r: Result) => number | string | null;
  unit?: string;
}

const lat = (key: keyof Result['latencyMs'], stat: 'p50' | 'p90' | 'p99' | 'p999' | 'max') => (r: Result) => r.latencyMs[key][stat];
const kib = (b: number | null | undefined) => (b === null || b === undefined ? null : Math.round(b / 102.4) / 10);

export const SUMMARY_ROWS: Row[] = [
  { label: 'Connections target', metric: 'connections.target', value: (r) => r.connections.target },
  { label: 'Connections peak', metric: 'connections.peak', value: (r) => r.connections.peak },
  { label: 'Connections failed', metric: 'connections.failed', value: (r) => r.connections.failed },
  { label: 'Sends/s', metric: 'throughput.sentPerSec', value: (r) => r.throughput.sentPerSec },
  { label: 'Deliveries/s', metric: 'throughput.deliveredPerSec', value: (r) => r.throughput.deliveredPerSec },
  { label: 'e2e p50', metric: 'latencyMs.e2e.p50', value: lat('e2e', 'p50'), unit: 'ms' },
  { label: 'e2e p90', metric: 'latencyMs.e2e.p90', value: lat('e2e', 'p90'), unit: 'ms' },
  { label: 'e2e p99', metric: 'latencyMs.e2e.p99', value: lat('e2e', 'p99'), unit: 'ms' },
  { label: 'e2e p99.9', metric: 'latencyMs.e2e.p999', value: lat('e2e', 'p999'), unit: 'ms' },
  { label: 'e2e max', metric: 'latencyMs.e2e.max', value: lat('e2e', 'max'), unit: 'ms' },
  { label: 'e2e p99 (uncorrected)', metric: 'latencyMs.e2eUncorrected.p99', value: lat('e2eUncorrected', 'p99'), unit: 'ms' },
  { label: 'ack p99', metric: 'latencyMs.ack.p99', value: lat('ack', 'p99'), unit: 'ms' },
  { label: 'connect p99', metric: 'latencyMs.connect.p99', value: lat('connect', 'p99'), unit: 'ms' },
  { label: 'Delivered', metric: 'messages.delivered', value: (r) => r.messages.delivered },
  { label: 'Expected', metric: 'messages.expected', value: (r) => r.messages.expected },
  { label: 'Lost', metric: 'messages.lost', value: (r) => r.messages.lost },
  { label: 'Duplicated', metric: 'messages.duplicated', value: (r) => r.messages.duplicated },
  { label: 'Reordered', metric: 'messages.reordered', value: (r) => r.messages.reordered },
  { label: 'Server RSS / connection', metric: 'server.memoryPerConnection.rssBytes', value: (r) => kib(r.server.memoryPerConnection?.rssBytes), unit: 'KiB' },
  { label: 'Server heap / connection', metric: 'server.memoryPerConnection.heapBytes', value: (r) => kib(r.server.memoryPerConnection?.heapBytes), unit: 'KiB' },
  { label: 'Server peak RSS', metric: 'server.rssBytes', value: (r) => (r.server.rssBytes === null ? null : Math.round(r.server.rssBytes / 1048576)), unit: 'MiB' },
  { label: 'Server CPU / 1k deliveries', metric: 'server.cpuMsPer1kDeliveries', value: (r) => r.server.cpuMsPer1kDeliveries, unit: 'ms' },
  { label: 'Generator CPU', metric: 'generator.cpuSeconds', value: (r) => r.generator.cpuSeconds, unit: 's' },
  { label: 'Generator loop delay p99', metric: 'generator.loopDelayP99Ms', value: (r) => r.generator.loopDelayP99Ms, unit: 'ms' },
];

export function renderSummaryTable(results: Result[], labels: string[]): string {
  const head = labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('');
  const rows = SUMMARY_ROWS.map((row) => {
    const cells = results
      .map((r, i) => {
        const v = row.value(r);
        const shown = v === null ? '—' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : escapeHtml(v);
        return `<td data-run="${i}" data-metric="${row.metric}" data-value="${v ?? ''}">${shown}${v !== null && row.unit ? ` <span class="unit">${row.unit}</span>` : ''}</td>`;
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
