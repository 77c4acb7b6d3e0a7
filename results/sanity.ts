// The checks every run passes beside the user's thresholds, always on: a run that measured nothing
// (no client connected, every send refused or unanswered, nothing delivered or timed) or that a
// server fooled with protocol violations must never read as a pass. Limits: scenario `sanity:`.
import type { Result } from './schema.js';

type Check = Result['checks'][number];

/** A scenario's `sanity:` block (loadgen/scenario/schema.ts gives the defaults). */
export interface SanityLimits {
  maxConnectFailedShare: number;
  maxRefusedShare: number;
  maxUnansweredShare: number;
  maxProtocolErrors: number;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`;

export function sanityChecks(r: Omit<Result, 'checks' | 'thresholds'>, limits: SanityLimits): Check[] {
  const m = r.messages;
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, actual: number | null, limit: string, detail: string) => checks.push({ name, ok, actual, limit, detail });

  add('clients connected', r.connections.peak > 0, r.connections.peak, '> 0', r.connections.peak > 0 ? `${r.connections.peak} of ${r.connections.target} at the peak` : `none of ${r.connections.target} clients joined`);

  const failedShare = r.connections.target ? r.connections.failed / r.connections.target : 0;
  add(
    'connections failed',
    failedShare <= limits.maxConnectFailedShare,
    r.connections.failed,
    `≤ ${pct(limits.maxConnectFailedShare)} of clients`,
    `${r.connections.failed} of ${r.connections.target} (${pct(failedShare)})${r.connections.failed ? `: ${codes(r.errors, (k) => k.startsWith('CONNECT_'))}` : ''}`,
  );

  const refusedShare = m.sent ? m.refused / m.sent : 0;
  add('sends refused', refusedShare <= limits.maxRefusedShare, m.refused, `≤ ${pct(limits.maxRefusedShare)} of sends`, `${m.refused} of ${m.sent} sends (${pct(refusedShare)})${m.refused ? `: ${codes(m.refusedByCode)}` : ''}`);

  const unansweredShare = m.sent ? m.unanswered / m.sent : 0;
  add('sends unanswered', unansweredShare <= limits.maxUnansweredShare, m.unanswered, `≤ ${pct(limits.maxUnansweredShare)} of sends`, `${m.unanswered} of ${m.sent} sends had neither ack nor error (${pct(unansweredShare)})`);

  const timed = r.latencyMs.e2e.count;
  add(
    'deliveries measured',
    m.expected === 0 || timed > 0,
    timed,
    '> 0 when deliveries were expected',
    m.expected === 0 ? 'no deliveries were expected' : `${m.delivered} of ${m.expected} expected deliveries arrived, ${timed} with a latency`,
  );

  if (r.protocol) checks.push(profileCheck(r));

  const violations = Object.entries(r.errors).filter(([k]) => k.startsWith('CLIENT_'));
  const nViolations = violations.reduce((a, [, n]) => a + n, 0);
  add('protocol violations', nViolations <= limits.maxProtocolErrors, nViolations, `≤ ${limits.maxProtocolErrors}`, nViolations ? codes(r.errors, (k) => k.startsWith('CLIENT_')) : 'none');
  return checks;
}

/** A profile rule that never matched while it had frames to match: the profile is wrong, and the
 * frames that came instead say how. */
function profileCheck(r: Omit<Result, 'checks' | 'thresholds'>): Check {
  const p = r.protocol!;
  const due = (rule: string) => (rule.startsWith('message') ? r.messages.expected > 0 : rule.startsWith('say') ? r.messages.sent > 0 : r.connections.target > 0);
  const silent = Object.entries(p.rules).filter(([rule, n]) => n === 0 && due(rule)).map(([rule]) => rule);
  const instead = Object.keys(p.unmatched).length ? `; frames that matched no rule: ${codes(p.unmatched)}${p.samples[0] ? `; the first: ${p.samples[0]}` : ''}` : '; no frame came that matched nothing either';
  return {
    name: 'profile rules matched',
    ok: silent.length === 0,
    actual: silent.length,
    limit: 'every rule matched a frame',
    detail: silent.length ? `protocol.${silent.join(', protocol.')} matched no frame${instead}` : Object.entries(p.rules).map(([rule, n]) => `${rule} ×${n}`).join(', ') || 'no rules',
  };
}

function codes(counts: Record<string, number>, keep: (k: string) => boolean = () => true): string {
  return Object.entries(counts)
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}
