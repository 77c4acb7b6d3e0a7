// What a run's frames were, where that says something: for a marker protocol, how often each rule
// of the profile matched and the frames that matched none (by kind, and the first few as they
// came); for any run, the first occurrence of each error code in words. A person whose
// `message.match` is wrong sees here what the server sent instead.
import type { Result } from '../../results/schema.js';
import { escapeHtml } from './escape.js';

export function renderProtocolSection(results: Result[], labels: string[]): string {
  const runs = results.map((r, i) => ({ r, label: labels[i]!, i })).filter((x) => x.r.protocol || Object.keys(x.r.errorSamples ?? {}).length);
  if (runs.length === 0) return '';
  return `<section data-section="protocol"><h2>Frames: what the profile matched, and what went wrong</h2>${runs.map(one).join('')}</section>`;
}

function one({ r, label, i }: { r: Result; label: string; i: number }): string {
  const p = r.protocol;
  const rules = p ? Object.entries(p.rules).map(([rule, n]) => `<li data-rule="${escapeHtml(rule)}" class="${n ? 'ok' : 'bad'}">protocol.${escapeHtml(rule)}: ${n.toLocaleString('en-US')} frames</li>`).join('') : '';
  const unmatched = p ? Object.entries(p.unmatched).map(([kind, n]) => `<li data-unmatched="${escapeHtml(kind)}">${escapeHtml(kind)}: ${n.toLocaleString('en-US')}</li>`).join('') : '';
  const samples = p?.samples.length ? `<p>The first frames that matched no rule:</p><pre>${p.samples.map(escapeHtml).join('\n')}</pre>` : '';
  const errors = Object.entries(r.errorSamples ?? {}).map(([code, text]) => `<li data-error-sample="${escapeHtml(code)}"><b>${escapeHtml(code)}</b>: ${escapeHtml(text)}</li>`).join('');
  return (
    `<div data-run="${i}"><h3>${escapeHtml(label)}${p ? ` — protocol ${escapeHtml(p.type)}` : ''}</h3>` +
    (rules ? `<ul>${rules}</ul>` : '') +
    (unmatched ? `<p>Frames that matched no rule, by kind:</p><ul>${unmatched}</ul>${samples}` : p ? '<p>Every frame matched a rule.</p>' : '') +
    (errors ? `<p>Errors, the first of each code:</p><ul>${errors}</ul>` : '') +
    `</div>`
  );
}
