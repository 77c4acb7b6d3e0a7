// `npm run gate:calibrate`: what `chatbench gate` sees on this machine's real noise, so a team
// knows before trusting it. K gates of each kind — A/A (the server against itself), +10 % and +5 %
// server CPU per delivery (--inject-cpu-us, sized from measured runs), +2 ms e2e
// (--inject-latency-ms 2) — kinds interleaved so drift spreads over all; for each mode asked for,
// in the same sitting. Prints false alarms, detections, wall time per gate, and the spread of one
// side's figure from run to run beside the spread of the per-round ratio (what simultaneous rounds
// are for); and, replaying the gate's rule on the A/A rounds' ratios, what more rounds would detect.
//   node dist/scripts/gate-calibrate.js [--gates 20] [--modes simultaneous,sequential] [--rounds 20] [--pairs 2]
//       [--alpha 0.02] [--scenario scenarios/gate-fanout.yaml] [--kinds A/A,+10%,+5%,+2ms]
// A kind may name its own count, `--kinds A/A:20,+5%:20,+10%:3`, to spend a sitting where it is tight.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dist } from '../lib/paths.js';
import { median } from '../lib/median.js';
import { roundRatio, spread } from '../ci/paired.js';
import { detectionRate, roundsFor } from '../ci/power.js';
import { planLooks, suggestedSpreadFloor } from '../ci/looks.js';
import { GATE_DEFAULTS } from '../api/gate-defaults.js';
import type { Result } from '../results/schema.js';

const { values } = parseArgs({
  options: {
    gates: { type: 'string', default: '20' },
    modes: { type: 'string', default: 'simultaneous,sequential' },
    // the gate's simultaneous defaults; pairs: server pairs per simultaneous round (chatbench gate --pairs)
    rounds: { type: 'string', default: String(GATE_DEFAULTS.simultaneous.rounds) },
    pairs: { type: 'string', default: String(GATE_DEFAULTS.simultaneous.pairs) },
    alpha: { type: 'string', default: String(GATE_DEFAULTS.simultaneous.alpha) },
    scenario: { type: 'string', default: 'scenarios/gate-fanout.yaml' },
    kinds: { type: 'string', default: 'A/A,+10%,+5%,+2ms' },
    // sequential gates take twice as long: fewer of them, e.g. A/A only, for the spread beside
    'sequential-gates': { type: 'string' },
    'sequential-kinds': { type: 'string' },
  },
});
const K = Number(values.gates);
const modes = values.modes!.split(',');
const kindCounts = new Map(values.kinds!.split(',').map((k) => [k.split(':')[0]!, k.includes(':') ? Number(k.split(':')[1]) : undefined] as const));
const kinds = [...kindCounts.keys()];
const dir = mkdtempSync(join(tmpdir(), 'chatbench-calibrate-'));

/** Every gate gates the same figures (the gate's defaults but for tighter tolerances, below the
 * injected changes, so a detection means the statistics saw it). */
const METRICS = ['server.steadyCpuMsPer1kDeliveries:2%', 'latencyMs.e2e.p50:5%'];
const kindsOf = (mode: string) => (mode === 'sequential' && values['sequential-kinds'] ? values['sequential-kinds'].split(',') : kinds);
const gatesOf = (mode: string) => (mode === 'sequential' && values['sequential-gates'] ? Number(values['sequential-gates']) : K);
/** Gates of one kind in one mode: the kind's own count if --kinds gave one. */
const gatesOfKind = (mode: string, kind: string) => kindCounts.get(kind) ?? gatesOf(mode);

interface Gate {
  mode: string;
  kind: string;
  code: number;
  seconds: number;
  out: string;
}

function gate(mode: string, kind: string, candidateArgs: string | undefined, n: number): Promise<Gate> {
  const out = join(dir, `${mode}-${kind.replace(/[^A-Za-z0-9+%]/g, '')}-${n}`);
  const args = [dist('bin/chatbench.js'), 'gate', values.scenario!, '--mode', mode, '--rounds', values.rounds!, '--alpha', values.alpha!, '--out', out];
  for (const m of METRICS) args.push('--metric', m);
  if (mode === 'simultaneous') args.push('--pairs', values.pairs!);
  if (candidateArgs) args.push('--candidate-args', candidateArgs);
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 26 }, (err) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ mode, kind, code: typeof code === 'number' ? code : 1, seconds: (Date.now() - t0) / 1000, out });
    });
  });
}

/** The runs of one gate, round by round; a round's runs are its server pairs (one, unless --pairs). */
function runsOf(g: Gate): { baseline: Result[][]; candidate: Result[][] } {
  const read = (dir: string) => JSON.parse(readFileSync(join(g.out, dir, 'result.json'), 'utf8')) as Result;
  const round = (side: string, r: number): Result[] => {
    if (existsSync(join(g.out, `${side}-${r}`, 'result.json'))) return [read(`${side}-${r}`)];
    const pairs: Result[] = [];
    for (let j = 1; existsSync(join(g.out, `${side}-${r}-${j}`, 'result.json')); j++) pairs.push(read(`${side}-${r}-${j}`));
    return pairs;
  };
  const side = (name: string) => {
    const rounds: Result[][] = [];
    for (let r = 1, runs = round(name, r); runs.length; runs = round(name, ++r)) rounds.push(runs);
    return rounds;
  };
  return { baseline: side('baseline'), candidate: side('candidate') };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');

async function main(): Promise<void> {
  // what a delivery costs this server as the gate measures it (in simultaneous rounds each server
  // carries half the load beside the other, and a delivery costs more than in one whole run: the
  // 2026-12-06 sitting sized "+10 %" from whole runs, 14.2 µs, and measured a median +5.8 %), to size
  // the injected CPU: the median baseline figure of one A/A gate in the first mode, not counted
  const sizing = await gate(modes[0]!, 'sizing A/A', undefined, 0);
  const probes = runsOf(sizing).baseline.flat().map((r) => r.server.steadyCpuMsPer1kDeliveries ?? NaN).filter(Number.isFinite);
  if (probes.length === 0) throw new Error(`no server CPU per delivery measured in the sizing gate (${sizing.out}): cannot size the injection`);
  const usPerDelivery = median(probes); // ms per 1k = µs per delivery
  const plan: Record<string, { args?: string }> = {
    'A/A': {},
    '+10%': { args: `--inject-cpu-us ${(usPerDelivery * 0.1).toFixed(2)}` },
    '+5%': { args: `--inject-cpu-us ${(usPerDelivery * 0.05).toFixed(2)}` },
    '+2ms': { args: '--inject-latency-ms 2' },
  };
  console.error(`server CPU per delivery ${usPerDelivery.toFixed(2)} µs: ${kinds.map((k) => `${k} ${plan[k]?.args ?? ''}`).join(', ')}`);
  const gates: Gate[] = [];
  const total = modes.reduce((a, m) => a + kindsOf(m).reduce((b, k) => b + gatesOfKind(m, k), 0), 0);
  const most = Math.max(...modes.flatMap((m) => kindsOf(m).map((k) => gatesOfKind(m, k))));
  for (let n = 1; n <= most; n++) {
    for (const mode of modes) {
      for (const kind of kindsOf(mode)) {
        if (n > gatesOfKind(mode, kind)) continue;
        const p = plan[kind];
        if (!p) throw new Error(`--kinds: unknown ${kind}; expected some of ${Object.keys(plan).join(', ')}`);
        const g = await gate(mode, kind, p.args, n);
        gates.push(g);
        console.error(`gate ${gates.length}/${total} ${mode} ${kind}: exit ${g.code} (${g.code === 98 ? 'regression' : g.code === 0 ? 'pass' : g.code === 97 ? 'inconclusive' : 'error'}) in ${g.seconds.toFixed(0)} s`);
      }
    }
  }
  console.log(`\n${values.scenario}: ${modes.map((m) => `${m} ${kindsOf(m).map((k) => `${gatesOfKind(m, k)} gates of ${k}`).join(', ')}`).join('; ')}; ${values.rounds} rounds (simultaneous: ${values.pairs} server pair(s) each), alpha ${values.alpha}, ${METRICS.join(' ')}; server CPU per delivery (steady) ${usPerDelivery.toFixed(2)} µs; one sitting`);
  console.log(`| figure | ${modes.join(' | ')} | goal |`);
  console.log(`|---|${modes.map(() => '---:').join('|')}|---:|`);
  const of = (mode: string, kind: string) => gates.filter((g) => g.mode === mode && g.kind === kind);
  const row = (label: string, goal: string, cell: (mode: string) => string) => console.log(`| ${label} | ${modes.map(cell).join(' | ')} | ${goal} |`);
  const flagged = (mode: string, kind: string) => (of(mode, kind).length ? `${of(mode, kind).filter((g) => g.code === 98).length}/${of(mode, kind).length}` : '–');
  if (kinds.includes('A/A')) row('A/A gates that failed', '0/20', (m) => flagged(m, 'A/A'));
  // the other direction: an A/A gate passes, but calls a figure improved that did not change
  const improved = (g: Gate) => existsSync(join(g.out, 'verdict.md')) && / improved \|/.test(readFileSync(join(g.out, 'verdict.md'), 'utf8'));
  if (kinds.includes('A/A')) row('A/A gates that called a figure improved', '0/20', (m) => (of(m, 'A/A').length ? `${of(m, 'A/A').filter(improved).length}/${of(m, 'A/A').length}` : '–'));
  if (kinds.includes('+10%')) row(`+10 % CPU per delivery detected (${plan['+10%']!.args})`, '≥ 19/20', (m) => flagged(m, '+10%'));
  if (kinds.includes('+5%')) row(`+5 % CPU per delivery detected (${plan['+5%']!.args})`, '≥ 19/20', (m) => flagged(m, '+5%'));
  if (kinds.includes('+2ms')) row('+2 ms e2e p50 detected (--inject-latency-ms 2)', '≥ 19/20', (m) => flagged(m, '+2ms'));
  row('wall time per gate (median, max)', '≤ 180 s', (m) => {
    const w = gates.filter((g) => g.mode === m).map((g) => g.seconds);
    return `${median(w).toFixed(0)} s, ${Math.max(...w).toFixed(0)} s`;
  });
  // a gate that found a clear regression at an interim look stopped there (ci/looks.ts)
  const early = (g: Gate) => existsSync(join(g.out, 'verdict.md')) && /\(stopped early\)/.test(readFileSync(join(g.out, 'verdict.md'), 'utf8'));
  for (const k of kinds) row(`${k}: gates stopped early; wall time per gate (median)`, '', (m) => (of(m, k).length ? `${of(m, k).filter(early).length}/${of(m, k).length}; ${median(of(m, k).map((g) => g.seconds)).toFixed(0)} s` : '–'));
  // the argument for simultaneous rounds: a side's figure moves from run to run; the per-round
  // ratio moves less when both sides share the round's moment
  const aa = (m: string) => of(m, 'A/A').map(runsOf);
  const cpu = (r: Result) => r.server.steadyCpuMsPer1kDeliveries ?? NaN;
  const p50 = (r: Result) => r.latencyMs.e2e.p50 ?? NaN;
  // one side: each server process's figure; the ratio: each round's, as the test weighs it
  const sideSpread = (m: string, f: (r: Result) => number) => median(aa(m).map((x) => spread(x.baseline.flat().map(f).filter(Number.isFinite))));
  const ratios = (x: ReturnType<typeof runsOf>, f: (r: Result) => number) => x.baseline.map((b, r) => roundRatio(b.map((run, j) => [f(run), f(x.candidate[r]![j]!)] as const))).filter(Number.isFinite);
  const ratioSpread = (m: string, f: (r: Result) => number) => median(aa(m).map((x) => spread(ratios(x, f))));
  // what an injection amounted to: a busy loop costs more than its nominal share, a delay costs CPU
  const change = (g: Gate) => {
    const logs = ratios(runsOf(g), cpu).map(Math.log);
    return Math.exp(logs.reduce((a, l) => a + l, 0) / logs.length) - 1;
  };
  for (const k of kinds) row(`${k}: measured change of CPU per delivery (median over gates; min … max)`, '', (m) => {
    const cs = of(m, k).map(change).filter(Number.isFinite);
    return cs.length ? `${pct(median(cs))} (${pct(Math.min(...cs))} … ${pct(Math.max(...cs))})` : '–';
  });
  if (kinds.includes('A/A')) {
    row("spread of one side's CPU per delivery (steady), run to run (CV, median over A/A gates)", '', (m) => pct(sideSpread(m, cpu)));
    row('spread of the per-round ratio of CPU per delivery (steady) (CV)', '', (m) => pct(ratioSpread(m, cpu)));
    row("spread of one side's e2e p50 (CV)", '', (m) => pct(sideSpread(m, p50)));
    row('spread of the per-round ratio of e2e p50 (CV)', '', (m) => pct(ratioSpread(m, p50)));
    row("early looks' spread floor for this machine (--look-spread-floor; ci/looks.ts)", '', (m) => pct(suggestedSpreadFloor([ratioSpread(m, cpu), ratioSpread(m, p50)])));
    // what more rounds would buy: the gate's rule replayed on this sitting's A/A ratios, resampled,
    // at the level Holm tests the smallest p of the gated figures (ci/power.ts)
    const noise = (m: string) => aa(m).flatMap((x) => ratios(x, cpu).map(Math.log));
    // the test after the last round, at what the interim looks leave of alpha (the looks' own
    // chances to stop early are left out: a floor)
    const question = (m: string, change: number, rounds = Number(values.rounds)) => ({ noise: noise(m), change, tolerance: 0.02, alpha: planLooks(rounds, Number(values.alpha)).alphaFinal / METRICS.length });
    for (const change of [0.05, 0.1]) {
      row(`+${change * 100} % CPU per delivery: detection simulated from the A/A rounds, by rounds`, '', (m) =>
        [6, 8, 12, 16, 20, 24].map((n) => `${n}: ${pct(detectionRate({ ...question(m, change, n), rounds: n }))}`).join(', '),
      );
      row(`rounds for 19/20 at +${change * 100} % (simulated)`, '', (m) => (noise(m).length < 2 ? '–' : String(roundsFor(0.95, question(m, change)) ?? '> 50')));
    }
  }
  const other = gates.filter((g) => g.code !== 0 && g.code !== 98);
  if (other.length) console.log(`\n${other.length} gate(s) neither passed nor failed (inconclusive or error): ${other.map((g) => g.out).join(', ')}`);
  console.log(`\ngates kept in ${dir}`);
}

main().catch((err: unknown) => {
  console.error(`gate-calibrate: ${(err as Error).message}`);
  process.exitCode = 1;
});
