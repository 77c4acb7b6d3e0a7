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
@media print { button { display: none; } body { max-width: none; } .chart { break-inside: avoid; } }
`;
