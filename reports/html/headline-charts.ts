// Small charts for the headline figures: per group, its median (a dot) and the range of its runs
// (a bar), side by side on one scale per figure, the reference group marked. Inline SVG drawn
// here, so it needs no script and prints as it shows.
import { figure, type Figure } from '../../results/figures.js';
import { groupFigure, type RunGroup } from '../groups.js';
import { escapeHtml } from './escape.js';

export const HEADLINE_METRICS = ['latencyMs.e2e.p50', 'latencyMs.e2e.p99', 'server.cpuMsPer1kDeliveries', 'server.memoryPerConnection.rssBytes', 'throughput.deliveredPerSec'];

const W = 260;
const ROW = 22;
const LEFT = 96;

function one(f: Figure, groups: RunGroup[]): string {
  const xs = groups.map((g) => groupFigure(g, f, groups[0]));
  const shown = (v: number) => (f.show ? f.show(v) : v);
  const max = Math.max(0, ...xs.flatMap((x) => (x.hi === null ? [] : [shown(x.hi)])));
  const scale = (v: number) => LEFT + (max > 0 ? (shown(v) / max) * (W - LEFT - 40) : 0);
  const h = groups.length * ROW + 8;
  const rows = xs.map((x, i) => {
    const y = 8 + i * ROW + ROW / 2;
    const name = `<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" class="${i === 0 ? 'ref' : ''}">${escapeHtml(groups[i]!.label.slice(0, 14))}${i === 0 && groups.length > 1 ? ' (ref)' : ''}</text>`;
    if (x.median === null) return `${name}<text x="${LEFT}" y="${y + 4}" class="nodata">no data</text>`;
    const v = shown(x.median);
    return `${name}<line class="range g${i}" x1="${scale(x.lo!)}" x2="${scale(x.hi!)}" y1="${y}" y2="${y}"/><circle class="g${i}" data-group="${i}" data-value="${x.median}" cx="${scale(x.median)}" cy="${y}" r="5"/><text x="${scale(x.hi!) + 6}" y="${y + 4}">${v.toLocaleString('en-US', { maximumFractionDigits: v >= 100 ? 0 : 2 })}</text>`;
  });
  return `<figure class="headline" data-metric="${f.metric}"><figcaption>${escapeHtml(f.label)}${f.unit ? ` (${f.unit})` : ''}${f.better ? ` · ${f.better} is better` : ''}</figcaption><svg width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" role="img">${rows.join('')}</svg></figure>`;
}

export function renderHeadlineCharts(groups: RunGroup[]): string {
  const figures = HEADLINE_METRICS.map((m) => figure(m)!);
  return `<div class="headlines">${figures.map((f) => one(f, groups)).join('')}</div>`;
}
