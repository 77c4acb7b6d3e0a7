// The cluster's part of a report (runs with `bus: redis`): per run, the bus as a whole and Redis,
// each node's share, and the faults the run injected. Cells carry data-metric like the summary.
import type { Result } from '../../results/schema.js';
import { escapeHtml } from './escape.js';

const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '<span class="nodata">no data</span>' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));

export function renderBusSection(results: Result[], labels: string[]): string {
  const runs = results.map((r, i) => ({ r, label: labels[i]!, i })).filter((x) => x.r.bus || x.r.faults?.length);
  if (runs.length === 0) return '';
  return `<section data-section="bus"><h2>Cluster: the Redis bus${runs.some((x) => x.r.faults?.length) ? ' and injected faults' : ''}</h2>${runs.map(runBus).join('')}</section>`;
}

function runBus({ r, label, i }: { r: Result; label: string; i: number }): string {
  const b = r.bus;
  const whole = b
    ? `<p data-run="${i}">${escapeHtml(label)}: ${b.nodes.length} nodes, <span data-metric="bus.messages">${num(b.messages, 0)}</span> messages numbered in Redis, ` +
      `<span data-metric="bus.crossNodeShare">${b.crossNodeShare === null ? 'no' : num(b.crossNodeShare * 100, 1)}</span> % of deliveries from another node; Redis: ` +
      (b.redis
        ? `<span data-metric="bus.redis.cpuMsPer1kMessages">${num(b.redis.cpuMsPer1kMessages)}</span> ms CPU per 1k messages (${num(b.redis.cpuSeconds)} s), peak ${num(b.redis.usedMemoryPeakBytes / 1048576, 1)} MiB used, ${num(b.redis.rssBytes / 1048576, 1)} MiB RSS`
        : 'not started by this run (no INFO figures)') +
      '.</p>'
    : '';
  const nodes = b
    ? `<table class="codes"><thead><tr><th>node</th><th>deliveries</th><th>from other nodes</th><th>published</th><th>publish failed</th><th>gap fills</th><th>recovered</th><th>unrecovered</th><th>lost Redis</th><th>down s</th><th>answered at the end</th></tr></thead><tbody>${b.nodes
        .map(
          (n) =>
            `<tr data-node="${escapeHtml(n.url)}"><th scope="row">${escapeHtml(n.url)}</th><td>${num(n.deliveries, 0)}</td><td>${num(n.deliveriesFromOtherNodes, 0)}</td><td>${num(n.published, 0)}</td><td>${num(n.publishFailed, 0)}</td><td>${num(n.gapFills, 0)}</td><td>${num(n.recovered, 0)}</td><td class="${n.unrecovered ? 'bad' : ''}">${num(n.unrecovered, 0)}</td><td>${num(n.disconnects, 0)}×</td><td>${num(n.downSec)}</td><td class="${n.reachable ? 'ok' : 'bad'}">${n.reachable ? 'yes' : 'no'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const faults = r.faults?.length
    ? `<ul data-metric="faults">${r.faults.map((f) => `<li class="${f.error ? 'bad' : ''}">${f.atSec} s: ${escapeHtml(f.action)} ${escapeHtml(f.target)}${f.error ? ` — not done: ${escapeHtml(f.error)}` : ''}</li>`).join('')}</ul>` +
      `<p>Clients resumed after a drop: ${num(r.connections.resumes, 0)}; deliveries read back with history: ${num(r.messages.recovered, 0)}.</p>`
    : '';
  return `<div class="wide">${whole}${nodes}${faults}</div>`;
}
