// What a gate can see on this machine and this server, before a team trusts it: K A/A gates (the
// baseline's server against itself) and K gates against the same server with every delivery made
// a known time later by a proxy of ours — injected outside the server, so it works for any server.
// `chatbench gate --calibrate K` is this function. (For chatbench's own server, `npm run
// gate:calibrate` also injects CPU per delivery inside it.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median } from '../lib/median.js';
import { figure, figureValue, valueAt } from '../results/figures.js';
import type { Result } from '../results/schema.js';
import { LOOK_SPREAD_FLOOR, suggestedSpreadFloor } from '../ci/looks.js';
import { spread } from '../ci/paired.js';
import { timeStamp } from '../cli/files/write-run.js';
import { gate, planGate, type GateOptions, type GateOutcome } from './gate.js';

export interface CalibrateOptions extends Omit<GateOptions, 'candidate'> {
  /** Gates of each kind (A/A, and the injected delay). */
  gates: number;
  /** The delay injected into the second kind (default 2 ms). */
  injectLatencyMs?: number;
}

export interface Calibration {
  markdown: string;
  out: string;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');

/** The --look-spread-floor this server's per-round ratio spreads suggest (ci/looks.ts). */
function floorAdvice(ratioSpreads: number[]): string {
  const floor = suggestedSpreadFloor(ratioSpreads);
  const theDefault = `the default, ${LOOK_SPREAD_FLOOR * 100} %, is what this rule gave chatbench's own VM; docs/gate.md, "Stopping early"`;
  return Number.isFinite(floor) ? `Early looks' spread floor for this server: \`--look-spread-floor ${+(floor * 100).toFixed(1)}%\` (${theDefault}).` : `No A/A spread measured, so no spread floor for the early looks to suggest (${theDefault}).`;
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const ms = o.injectLatencyMs ?? 2;
  const { specs, mode, rounds, alpha } = planGate({ ...o, candidate: o.baseline ?? {} });
  const out = resolve(o.out ?? join('reports', 'gate', `${timeStamp()}-${o.scenario.name}-calibration`));
  mkdirSync(out, { recursive: true });
  const kinds = [
    { kind: 'A/A', delayMs: 0 },
    { kind: `+${ms} ms`, delayMs: ms },
  ];
  const done: { kind: string; outcome: GateOutcome; seconds: number }[] = [];
  for (let n = 1; n <= o.gates; n++) {
    for (const k of kinds) {
      const t0 = Date.now();
      console.error(`══ calibration gate ${done.length + 1}/${2 * o.gates}: ${k.kind}`);
      const outcome = await gate({ ...o, candidate: { ...(o.baseline ?? {}), ...(k.delayMs ? { delayMs: k.delayMs } : {}) }, out: join(out, `${k.kind === 'A/A' ? 'aa' : `plus${ms}ms`}-${n}`) });
      done.push({ kind: k.kind, outcome, seconds: (Date.now() - t0) / 1000 });
    }
  }
  const of = (kind: string) => done.filter((d) => d.kind === kind);
  const failed = (kind: string) => of(kind).filter((d) => d.outcome.verdict === 'regressed').length;
  const unsure = done.filter((d) => d.outcome.verdict === 'inconclusive').length;
  const wall = done.map((d) => d.seconds);
  const value = (r: Result, path: string) => {
    const f = figure(path);
    return f ? figureValue(r, f) : valueAt(r, path);
  };
  const spreads = specs.map((s, k) => {
    const side = median(of('A/A').map((d) => spread(d.outcome.runs.baseline.map((r) => value(r, s.path) ?? NaN).filter(Number.isFinite))));
    // simultaneous: the ratios the test weighed, one per round (its server pairs averaged);
    // sequential: run i of one side against run i of the other
    const runRatios = (d: (typeof done)[number]) => d.outcome.runs.baseline.map((b, i) => (value(d.outcome.runs.candidate[i]!, s.path) ?? NaN) / (value(b, s.path) ?? NaN));
    const ratio = median(of('A/A').map((d) => spread((d.outcome.decision.metrics[k]?.ratios ?? runRatios(d)).filter(Number.isFinite))));
    return { label: s.label, side, ratio };
  });
  const lines = [
    `## chatbench gate calibration: ${o.scenario.name}`,
    '',
    `${o.gates} gates of each kind, ${mode} rounds, ${rounds} rounds each, alpha ${alpha}; gated: ${specs.map((s) => `${s.label} (${(s.tolerance * 100).toFixed(0)} %)`).join(', ')}.`,
    '',
    '| | measured |',
    '|---|---:|',
    `| A/A gates that failed (false alarms) | ${failed('A/A')}/${o.gates} |`,
    `| gates against +${ms} ms per delivery (injected by a proxy) that failed (detections) | ${failed(`+${ms} ms`)}/${o.gates} |`,
    `| inconclusive gates | ${unsure}/${done.length} |`,
    `| wall time per gate (median, max) | ${median(wall).toFixed(0)} s, ${Math.max(...wall).toFixed(0)} s |`,
    `| gates against +${ms} ms stopped early on a clear regression (rounds run, median) | ${of(`+${ms} ms`).filter((d) => d.outcome.stoppedAfter !== undefined).length}/${o.gates} (${median(of(`+${ms} ms`).map((d) => d.outcome.stoppedAfter ?? rounds))} of ${rounds}) |`,
    '',
    'Spread over the A/A gates (median of each gate\'s coefficient of variation): one side\'s figure from run to run, against the per-round ratio candidate/baseline that the paired test weighs.',
    '',
    '| figure | one side, run to run | per-round ratio |',
    '|---|---:|---:|',
    ...spreads.map(({ label, side, ratio }) => `| ${label} | ${pct(side)} | ${pct(ratio)} |`),
    ...(mode === 'simultaneous' ? ['', floorAdvice(spreads.map((x) => x.ratio))] : []),
    '',
    `What the injected delay stands for: every delivery of the candidate arriving ${ms} ms later (its server untouched, a proxy of ours delaying what it sends). It does not stand for a server that costs more CPU per delivery: that cannot be made from outside a server without changing what is measured; for chatbench's own server \`npm run gate:calibrate\` injects it inside.`,
  ];
  const markdown = lines.join('\n') + '\n';
  writeFileSync(join(out, 'calibration.md'), markdown);
  return { markdown, out };
}
