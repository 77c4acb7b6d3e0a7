// The gate as a function: baseline and candidate servers in rounds — both at once under the same
// half of the load (simultaneous, the default) or one after the other, ABBA (sequential) — a
// statistical decision, a Markdown verdict, the runs' reports and a comparison report.
// `chatbench gate` and `import { gate } from 'chatbench'` are this one function. The generator is
// this package's for both sides: one instrument measures both.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decide, type GateDecision } from '../ci/decide.js';
import { DEFAULT_METRICS, parseMetricSpec, type MetricSpec } from '../ci/metric-spec.js';
import { roundsNeeded } from '../ci/stats.js';
import { levelOf, LOOK_SPREAD_FLOOR, planLooks, spreadFloorOf, stopsHere, type LookPlan } from '../ci/looks.js';
import { verdictMarkdown } from '../ci/verdict-markdown.js';
import { serverEntry, type ServerBuild } from '../loadgen/coordinator/server-process.js';
import { forkGenerators, killGenerators } from '../loadgen/coordinator/generators.js';
import { createExecutor } from '../loadgen/executors/registry.js';
import type { ServerCommand } from '../loadgen/coordinator/command-server.js';
import type { Pinning } from '../loadgen/coordinator/pinning.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import { loadAssets } from '../cli/files/report-assets.js';
import { timeStamp } from '../cli/files/write-run.js';
import { interleave } from '../cli/interleave.js';
import { runOnce, type OnceOptions } from '../cli/run-once.js';
import { startLine } from './start-together.js';
import { GATE_DEFAULTS, pairsTheRoomsAllow } from './gate-defaults.js';
import { asUsage, UsageError } from '../cli/usage-error.js';
import { renderReport } from '../reports/html/render.js';
import type { Result } from '../results/schema.js';

export const GATE_REGRESSION_EXIT = 98;
export const GATE_INCONCLUSIVE_EXIT = 97;

export const SIDES = ['baseline', 'candidate'] as const;
/** Each side of a simultaneous round runs this share: the same clients, rooms and schedule. */
export const HALF = { index: 0, count: 2 } as const;
export type Side = (typeof SIDES)[number];

/** One side's server: a shell command (any server), or chatbench's own server from a checkout,
 * with a variant and extra `serve` flags. */
export interface GateSide {
  /** Everything this side's server sends arrives this much later (a proxy of ours): a latency
   * regression made from outside, for calibration. */
  delayMs?: number;
  command?: ServerCommand;
  checkout?: string;
  variant?: string;
  args?: string[];
}

/** simultaneous: in each round both servers run at once, each under the same half of the load,
 * and the per-round ratio is tested (paired); sequential: rounds interleaved ABBA, one server at
 * a time under the whole load (docs/gate.md, "Two modes"). */
export type GateMode = 'simultaneous' | 'sequential';
export const GATE_MODES: readonly GateMode[] = ['simultaneous', 'sequential'];

export interface GateOptions {
  scenario: Scenario;
  /** Default simultaneous. */
  mode?: GateMode;
  scenarioFile?: string;
  baseline?: GateSide;
  candidate?: GateSide;
  /** Rounds per side (default 20 simultaneous, 8 sequential: api/gate-defaults.ts). Errors name the options as the command line does (--rounds). */
  rounds?: number;
  /** Simultaneous rounds: server pairs per round (default 2, or 1 when the scenario's rooms cannot
   * give a second pair clients of its own). With N, a round runs N baseline and N
   * candidate servers at once, pair j under the same 1/(2N) of the load; the round's ratio is the
   * geometric mean of its pairs' ratios. Each fresh server process runs a few per cent cheaper or
   * dearer than another for its whole life, so N pairs average that out as N rounds would, in the
   * time of one (docs/gate.md, "Server pairs"). */
  pairs?: number;
  /** Family-wise significance level (default 0.02 simultaneous, 0.05 sequential). */
  alpha?: number;
  /** Simultaneous rounds: also test after a third and two thirds of the rounds, each look at 5 %
   * of alpha, and stop at a regression found there (default true; ci/looks.ts). */
  earlyStop?: boolean;
  /** Simultaneous rounds: the least spread of the per-round ratios (a fraction, 0.03 = 3 %) an interim
   * look's test assumes, however alike a look's few rounds happened to be (default 0.03; ci/looks.ts).
   * Set it to about half the per-round ratio spread a calibration of your server reports; 0 for none. */
  lookSpreadFloor?: number;
  /** `FIG[:TOL%][:lower|higher]` specs or parsed ones (default: e2e p50, e2e p99, server CPU / 1k deliveries at 10 %). */
  metrics?: (string | MetricSpec)[];
  /** Where every run, verdict.md and report.html go (default reports/gate/<time>-<scenario>). */
  out?: string;
  pinning?: Pinning;
  secret?: string;
}

/** The verdict as the GitHub Action's output names it. */
export type GateVerdict = 'pass' | 'regressed' | 'inconclusive';

export interface GateOutcome {
  verdict: GateVerdict;
  decision: GateDecision;
  markdown: string;
  out: string;
  report: string;
  verdictFile: string;
  runs: Record<Side, Result[]>;
  /** The gate stopped at an interim look, after this many rounds, on a clear regression. */
  stoppedAfter?: number;
}

/** Checks options before any run: a gate that could never fail, or an unbuilt checkout, fails now,
 * not after an hour of runs. */
export function planGate(o: GateOptions): { mode: GateMode; rounds: number; pairs: number; alpha: number; looks: LookPlan; specs: MetricSpec[]; sides: Record<Side, { build: ServerBuild; variant: string; words: string; delayMs?: number }> } {
  const mode = o.mode ?? 'simultaneous';
  if (!GATE_MODES.includes(mode)) throw new UsageError(`--mode ${mode}: expected ${GATE_MODES.join(' or ')}`);
  if (mode === 'simultaneous' && o.pinning) throw new UsageError('--pin places one server and one generator on their own cores: it is for --mode sequential');
  const defaults = GATE_DEFAULTS[mode];
  const rounds = o.rounds ?? defaults.rounds;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new UsageError(`--rounds ${rounds}: expected a whole number from 1 to 50`);
  // by default as many pairs as calibrated, if the scenario has rooms enough to give each its own
  const pairs = o.pairs ?? pairsTheRoomsAllow(o.scenario, defaults.pairs);
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > 8) throw new UsageError(`--pairs ${pairs}: expected a whole number from 1 to 8`);
  if (pairs > 1 && mode !== 'simultaneous') throw new UsageError('--pairs runs several server pairs at once: it is for --mode simultaneous');
  const alpha = o.alpha ?? defaults.alpha;
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${alpha}: expected a number between 0 and 0.5`);
  const specs = (o.metrics?.length ? o.metrics : DEFAULT_METRICS).map((m) => (typeof m === 'string' ? asUsage(() => parseMetricSpec(m)) : m));
  // Holm tests the smallest p of m figures against alpha / m: rounds must make that reachable (a
  // rank test's p has a floor; the paired t-test needs 3 rounds for a spread worth the name)
  const needed = mode === 'simultaneous' ? 3 : roundsNeeded(alpha / specs.length);
  if (mode === 'simultaneous' && rounds < needed) throw new UsageError(`--rounds ${rounds}: the paired test of simultaneous rounds needs at least ${needed} rounds to weigh a change against its spread`);
  if (rounds < needed) throw new UsageError(`--rounds ${rounds}: with so few rounds no difference in any of ${specs.length} figure(s) can reach p < ${alpha}/${specs.length} (Holm), so the gate could never fail; use at least ${needed}`);
  const side = (s: GateSide = {}) => {
    if (s.command && (s.checkout || s.variant || s.args)) throw new UsageError('a gate side is either a server command or a chatbench checkout/variant/args, not both');
    const build: ServerBuild = s.command ? { command: s.command } : { ...(s.checkout ? { checkout: s.checkout } : {}), ...(s.args?.length ? { args: s.args } : {}) };
    if (!s.command) serverEntry(build);
    const variant = s.variant ?? o.scenario.variant;
    const words = s.command
      ? `\`${s.command.cmd}\`${s.command.cwd ? ` in \`${resolve(s.command.cwd)}\`` : ''}`
      : `${s.checkout ? `\`${resolve(s.checkout)}\`` : 'this checkout'}, variant ${variant}${s.args?.length ? `, \`chatbench serve … ${s.args.join(' ')}\`` : ''}`;
    const delayed = s.delayMs ? `, everything it sends delayed ${s.delayMs} ms by a proxy (injected)` : '';
    return { build, variant, words: words + delayed, ...(s.delayMs ? { delayMs: s.delayMs } : {}) };
  };
  const floor = o.lookSpreadFloor ?? LOOK_SPREAD_FLOOR;
  if (!(floor >= 0 && floor < 1)) throw new UsageError(`--look-spread-floor ${floor * 100}%: expected a spread from 0 to 100 %`);
  const looks = planLooks(rounds, alpha, mode === 'simultaneous' && o.earlyStop !== false, floor);
  return { mode, rounds, pairs, alpha, looks, specs, sides: { baseline: side(o.baseline), candidate: side(o.candidate) } };
}

export async function gate(o: GateOptions): Promise<GateOutcome> {
  const { mode, rounds, pairs, alpha, looks, specs, sides } = planGate(o);
  const out = resolve(o.out ?? join('reports', 'gate', `${timeStamp()}-${o.scenario.name}`));
  mkdirSync(out, { recursive: true });
  const runs: Record<Side, Result[]> = { baseline: [], candidate: [] };
  let stoppedAfter: number | undefined;
  /** Pair j of a round (simultaneous rounds of several pairs) runs in its own directory. */
  const once = (s: Side, round: number, extra: Partial<OnceOptions> = {}, pair?: number) => {
    const dir = join(out, `${s}-${round + 1}${pair === undefined ? '' : `-${pair + 1}`}`);
    const build = sides[s].build;
    return runOnce({
      scenario: o.scenario,
      ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}),
      variant: sides[s].variant,
      // a command's output goes into this run's directory
      server: build.command ? { command: { ...build.command, logDir: dir } } : build,
      label: s,
      out: dir,
      summaryOnStderr: true,
      gateRound: { mode, round },
      ...(sides[s].delayMs ? { delayServerMs: sides[s].delayMs } : {}),
      ...(o.pinning ? { pinning: o.pinning } : {}),
      ...(o.secret ? { secret: o.secret } : {}),
      ...extra,
    });
  };
  if (mode === 'sequential') {
    const order = interleave(SIDES, rounds); // ABBA: the side that runs first alternates
    for (const [i, { item: s, round }] of order.entries()) {
      console.error(`── run ${i + 1}/${order.length}: ${s}, round ${round + 1}/${rounds}`);
      runs[s].push((await once(s, round)).result);
    }
  } else {
    // the next round's generator processes are forked 100 ms after this round's last send (its
    // deliveries take ms; nothing later is measured but the drain's quiet), so their start — ≈ 0.3 s
    // of CPU each — overlaps the drain, the stop and the next servers' start
    const forkAtMs = createExecutor(o.scenario).durationMs + 100;
    let ahead: ChildProcess[] = [];
    let forkNext: NodeJS.Timeout | undefined;
    try {
      for (let round = 0; round < rounds; round++) {
        // the side started first alternates, as the ABBA order does for sequential rounds
        const order = round % 2 === 0 ? SIDES : ([...SIDES].reverse() as Side[]);
        console.error(
          `── round ${round + 1}/${rounds}: baseline and candidate at once, ${pairs === 1 ? 'each under the same half of the load' : `${pairs} of each, pair by pair under the same 1/${2 * pairs} of the load`} (${order[0]} started first)`,
        );
        const line = startLine(2 * pairs);
        const launches = order.flatMap((s) => Array.from({ length: pairs }, (_, j) => ({ s, j })));
        const mine = ahead;
        ahead = [];
        const arrive = () =>
          line.arrive().then((at) => {
            if (forkNext === undefined && round + 1 < rounds) forkNext = setTimeout(() => (ahead = forkGenerators(launches.length)), Math.max(0, at + forkAtMs - Date.now()));
            return at;
          });
        const all = launches.map(({ s, j }, k) =>
          once(s, round, { share: pairs === 1 ? HALF : { index: j, count: 2 * pairs }, startTogether: arrive, quiet: k > 0, ...(mine[k] ? { preforked: [mine[k]] } : {}) }, pairs === 1 ? undefined : j).catch((err: unknown) => {
            line.fail(err);
            throw err;
          }),
        );
        const settled = await Promise.allSettled(all);
        clearTimeout(forkNext); // a round that failed early
        forkNext = undefined;
        // the side that failed first, not its partner released with "the partner run failed"
        const reasons = settled.flatMap((x) => (x.status === 'rejected' ? [x.reason as Error] : []));
        if (reasons.length) throw reasons.find((e) => !String(e?.message).startsWith('the partner run failed')) ?? reasons[0];
        // each side's runs in pair order, round after round: run i of one side pairs with run i of the other
        for (const s of SIDES) for (const [k, l] of launches.entries()) if (l.s === s) runs[s].push((settled[k] as PromiseFulfilledResult<{ result: Result }>).value.result);
        if (stopsHere(looks, round + 1, (level, floor) => decide(specs, runs.baseline, runs.candidate, level, 'paired', pairs, floor))) {
          stoppedAfter = round + 1;
          console.error(`── stopped after round ${stoppedAfter}/${rounds}: a regression is already clear at this look's level (${+looks.alphaEach.toPrecision(3)})`);
          break;
        }
      }
    } finally {
      clearTimeout(forkNext);
      killGenerators(ahead); // forked for a round that will not run (stopped early, or failed)
    }
  }

  const decision = decide(specs, runs.baseline, runs.candidate, levelOf(looks, stoppedAfter), mode === 'simultaneous' ? 'paired' : 'independent', pairs, spreadFloorOf(looks, stoppedAfter));
  const markdown = verdictMarkdown(decision, { scenario: o.scenario.name, rounds, pairs, baseline: sides.baseline.words, candidate: sides.candidate.words, alpha, mode, looks: { plan: looks, ...(stoppedAfter !== undefined ? { stoppedAfter } : {}) } });
  const verdictFile = join(out, 'verdict.md');
  writeFileSync(verdictFile, markdown);
  const groups = SIDES.map((s) => ({ label: s, results: runs[s] }));
  const report = join(out, 'report.html');
  writeFileSync(report, renderReport([...runs.baseline, ...runs.candidate], loadAssets(), { groups, verdictMarkdown: markdown }));
  const verdict: GateVerdict = decision.verdict === 'regression' ? 'regressed' : decision.verdict;
  return { verdict, decision, markdown, out, report, verdictFile, runs, ...(stoppedAfter !== undefined ? { stoppedAfter } : {}) };
}
