export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #666; --line: #ddd; --warn: #fff4d6; --bad: #fde2e2; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #16181c; --muted: #aaa; --line: #333; --warn: #4a3b10; --bad: #4a1c1c; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 24px auto; max-width: 1140px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; }
table.meta td, table.meta th, table.summary tbody th, table.codes tbody th { text-align: left; }
table.index td:nth-child(-n+3), table.index th:nth-child(-n+3), table.index td:last-child { text-align: left; }
.unit, .nodata { color: var(--muted); font-size: 12px; } .ok { color: #2a9d4b; } .bad { color: #c0392b; }
.banner { padding: 8px 12px; margin: 8px 0; border-radius: 4px; } .banner.warn { background: var(--warn); } .banner.bad { background: var(--bad); }
.wide { overflow-x: auto; } /* many runs: the table scrolls, the figure names stay in view */
table.summary tbody th, table.codes tbody th { position: sticky; left: 0; background: var(--bg); }
.chart { margin: 12px 0 20px; } footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
.u-legend { font-size: 12px; } button { font: inherit; padding: 4px 12px; }
/* groups of runs: one hue each, in the table heads, the small charts and (drawn by script) the charts */
.g0 { --g: #2f6fdf; } .g1 { --g: #e0612b; } .g2 { --g: #2a9d4b; } .g3 { --g: #9b59b6; } .g4 { --g: #c0392b; } .g5 { --g: #16a085; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; background: var(--g); }
.range, .ratio { color: var(--muted); font-size: 12px; margin-left: 4px; }
.headlines { display: flex; flex-wrap: wrap; gap: 8px 24px; } figure.headline { margin: 0; }
figure.headline figcaption { font-size: 12px; color: var(--muted); }
figure.headline svg { font-size: 11px; fill: var(--fg); overflow: visible; }
figure.headline circle { fill: var(--g); } figure.headline line.range { stroke: var(--g); stroke-width: 4; stroke-linecap: round; opacity: 0.45; }
figure.headline text.ref { font-weight: 600; } figure.headline .nodata { fill: var(--muted); }
section.verdict { border: 1px solid var(--line); border-radius: 4px; padding: 4px 14px; margin: 8px 0 16px; }
section.verdict table td:first-child, section.verdict table th:first-child { text-align: left; }
details.per-run summary { cursor: pointer; color: var(--muted); margin: 6px 0; }
@media print { button { display: none; } body { max-width: none; } .chart { break-inside: avoid; } }
`;
