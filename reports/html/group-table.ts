// The comparison's summary table: one column per group (a variant, or a gate's baseline and
// candidate) with the median over its runs, their range and the ratio to the reference group —
// the figures and catalog of the Markdown table. Cells carry data-group, data-metric and
// data-value (the median), so tests and people can check them against the result files.
import { TABLE_FIGURES, type Figure } from '../../results/figures.js';
import { groupFigure, type RunGroup } from '../groups.js';
import { escapeHtml } from './escape.js';

function fmt(f: Figure, v: number): string {
  const shown = f.show ? f.show(v) : v;
  return shown.toLocaleString('en-US', { maximumFractionDigits: Math.abs(shown) >= 100 ? 0 : 3 });
}

export function renderGroupTable(groups: RunGroup[]): string {
  const head = groups
    .map((g, i) => `<th data-group="${i}"><span class="swatch g${i}"></span>${escapeHtml(g.label)}<div class="unit">${g.results.length} run${g.results.length === 1 ? '' : 's'}${i === 0 && groups.length > 1 ? ' · reference' : ''}</div></th>`)
    .join('');
  const rows = TABLE_FIGURES.map((f) => {
    const cells = groups.map((g, i) => {
      const x = groupFigure(g, f, groups[0]);
      if (x.median === null) return `<td data-group="${i}" data-metric="${f.metric}" data-value=""><span class="nodata">no data</span></td>`;
      const unit = f.unit ? ` <span class="unit">${f.unit}</span>` : '';
      const range = x.lo !== x.hi ? ` <span class="range">${fmt(f, x.lo!)}–${fmt(f, x.hi!)}</span>` : '';
      const ratio = x.ratio !== null ? ` <span class="ratio">${x.ratio.toFixed(2)}×</span>` : '';
      return `<td data-group="${i}" data-metric="${f.metric}" data-value="${x.median}">${fmt(f, x.median)}${unit}${range}${ratio}</td>`;
    });
    return `<tr><th scope="row">${f.label}</th>${cells.join('')}</tr>`;
  });
  const verdicts = (pick: 'checks' | 'thresholds', label: string) =>
    `<tr><th scope="row">${label}</th>${groups
      .map((g, i) => {
        const failed = g.results.filter((r) => r[pick].some((c) => !c.ok)).length;
        const any = g.results.some((r) => r[pick].length > 0);
        const text = !any ? '—' : failed ? `<span class="bad">✗ failed in ${failed} of ${g.results.length}</span>` : `<span class="ok">✓ all ${g.results.length} runs</span>`;
        return `<td data-group="${i}" data-metric="${pick}" data-failed="${failed}">${text}</td>`;
      })
      .join('')}</tr>`;
  return `<table class="summary grouped"><thead><tr><th></th>${head}</tr></thead><tbody>${verdicts('checks', 'Sanity checks')}${rows.join('')}${verdicts('thresholds', 'Thresholds')}</tbody></table>
<p class="unit">Median over each group's runs; the range (min–max) when they differ; N× is the ratio to ${escapeHtml(groups[0]!.label)}.</p>`;
}
