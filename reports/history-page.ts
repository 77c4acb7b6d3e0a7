// The trend report of one figure across commits: a point per commit (its median run) with the range
// of its runs, the change points marked, and a table of each step with the commits on either
// side. Inline SVG: no script, prints as it shows.
import { escapeHtml } from './html/escape.js';
import { REPORT_CSS } from './html/style.js';

/** What the page shows (ci/history.ts makes it): a point per commit, the change points. */
export interface FigureHistory {
  spec: { path: string; label: string; better: 'lower' | 'higher'; unit?: string; show?: (v: number) => number };
  points: { commit: string; date: string; runs: number; median: number; lo: number; hi: number }[];
  changes: { index: number; change: number; p: number; worse: boolean }[];
  newestRegression: { change: number } | undefined;
}

const W = 900;
const H = 260;
const PAD = { l: 60, r: 16, t: 16, b: 28 };

const short = (c: string) => c.slice(0, 10);
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function chart(h: FigureHistory): string {
  const pts = h.points;
  if (pts.length === 0) return '<p class="nodata">no commit measured this figure</p>';
  const show = (v: number) => (h.spec.show ? h.spec.show(v) : v);
  const lo = Math.min(...pts.map((p) => show(p.lo)));
  const hi = Math.max(...pts.map((p) => show(p.hi)));
  const span = hi - lo || Math.abs(hi) || 1;
  const ys = (shown: number) => PAD.t + (1 - (shown - lo + span * 0.05) / (span * 1.1)) * (H - PAD.t - PAD.b);
  const y = (raw: number) => ys(show(raw));
  const x = (i: number) => PAD.l + (pts.length === 1 ? 0.5 : i / (pts.length - 1)) * (W - PAD.l - PAD.r);
  const marks = h.changes.map((c) => {
    const cx = (x(c.index - 1) + x(c.index)) / 2;
    return `<line class="cp ${c.worse ? 'worse' : 'better'}" x1="${cx}" x2="${cx}" y1="${PAD.t}" y2="${H - PAD.b}"><title>${escapeHtml(`${short(pts[c.index - 1]?.commit ?? '')} → ${short(pts[c.index]!.commit)}: ${pct(c.change)}`)}</title></line>`;
  });
  const dots = pts.map(
    (p, i) =>
      `<line class="spread" x1="${x(i)}" x2="${x(i)}" y1="${y(p.lo)}" y2="${y(p.hi)}"/><circle cx="${x(i)}" cy="${y(p.median)}" r="3.5"><title>${escapeHtml(`${short(p.commit)} ${p.date.slice(0, 10)}: ${show(p.median).toPrecision(4)} (${p.runs} run${p.runs > 1 ? 's' : ''})`)}</title></circle>`,
  );
  const path = pts.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.median).toFixed(1)}`).join('');
  const axis = [lo, (lo + hi) / 2, hi].map((v) => `<text x="${PAD.l - 6}" y="${ys(v) + 4}" text-anchor="end">${v.toPrecision(3)}</text>`);
  return `<svg class="trend" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">${axis.join('')}${marks.join('')}<path class="line" d="${path}"/>${dots.join('')}<text x="${PAD.l}" y="${H - 8}">${escapeHtml(short(pts[0]!.commit))}</text><text x="${W - PAD.r}" y="${H - 8}" text-anchor="end">${escapeHtml(short(pts.at(-1)!.commit))}</text></svg>`;
}

function table(h: FigureHistory): string {
  if (h.changes.length === 0) return '<p>No change points: every step between commits is within the noise of this history.</p>';
  const rows = h.changes.map((c) => {
    const before = h.points[c.index - 1];
    const after = h.points[c.index]!;
    return `<tr><td class="${c.worse ? 'bad' : 'ok'}">${c.worse ? 'worse' : 'better'}</td><td>${pct(c.change)}</td><td>${escapeHtml(before ? short(before.commit) : '—')}</td><td>${escapeHtml(short(after.commit))}</td><td>${escapeHtml(after.date.slice(0, 10))}</td><td>${c.p.toExponential(1)}</td></tr>`;
  });
  return `<table><thead><tr><th>step</th><th>size</th><th>last commit before</th><th>first commit after</th><th>date</th><th>p (adjusted)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHistoryPage(h: FigureHistory, note: string): string {
  const unit = h.spec.unit ? ` (${h.spec.unit})` : '';
  const banner = h.newestRegression ? `<div class="banner bad" data-banner="newest">The newest commit (${escapeHtml(short(h.points.at(-1)!.commit))}) starts a worse level: ${pct(h.newestRegression.change)}.</div>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>chatbench history — ${escapeHtml(h.spec.label)}</title>
<style>${REPORT_CSS}
svg.trend { font-size: 11px; fill: var(--fg); } svg.trend circle { fill: #2f6fdf; } svg.trend path.line { fill: none; stroke: #2f6fdf; stroke-opacity: 0.4; }
svg.trend line.spread { stroke: #2f6fdf; stroke-width: 3; stroke-opacity: 0.3; } svg.trend line.cp { stroke-dasharray: 4 3; stroke-width: 1.5; }
svg.trend line.cp.worse { stroke: #c0392b; } svg.trend line.cp.better { stroke: #2a9d4b; }</style></head><body>
<h1>${escapeHtml(h.spec.label)}${escapeHtml(unit)} across ${h.points.length} commits</h1>
${banner}<p>${escapeHtml(h.spec.better)} is better · one point per commit: the median of its runs, the bar their range · dashed lines: change points · ${escapeHtml(note)}</p>
${chart(h)}
<h2>Change points</h2>${table(h)}
<footer>chatbench history · change points by binary segmentation with a pooled t-test (docs/gate.md, "History")</footer>
</body></html>
`;
}
