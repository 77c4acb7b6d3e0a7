// `chatbench gate SCENARIO.yaml`: the command line of api/gate.ts — flags in, the gate run, the
// verdict printed (and, inside GitHub Actions, published), and the exit code the verdict calls for.
import { parseArgs } from 'node:util';
import { GATE_INCONCLUSIVE_EXIT, GATE_REGRESSION_EXIT, gate as runGate, type GateMode, type GateSide, type GateVerdict } from '../api/gate.js';
import { publishVerdict } from '../ci/github/publish.js';
import { calibrate } from '../api/calibrate.js';
import { join } from 'node:path';
import { GATE_FLAGS } from './commands.js';
import { pinningOf, scenarioWithShortcuts, serverCommandOf } from './run-options.js';
import { UsageError } from './usage-error.js';

export { GATE_INCONCLUSIVE_EXIT, GATE_REGRESSION_EXIT } from '../api/gate.js';

/** `--candidate-args "--inject-latency-ms 5"`: parseArgs takes a value starting with a dash only
 * as `--flag=value`, so these flags' next argument is joined to them. */
function joinFlagValues(args: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (flags.includes(args[i]!) && i + 1 < args.length) out.push(`${args[i]}=${args[++i]}`);
    else out.push(args[i]!);
  }
  return out;
}

/** --fail-on regression,inconclusive | regression | never: the verdicts that fail the step. */
export function parseFailOn(text: string): Set<GateVerdict> {
  if (text === 'never') return new Set();
  const words = text.split(',').map((w) => w.trim());
  const bad = words.filter((w) => w !== 'regression' && w !== 'inconclusive');
  if (bad.length || words.length === 0) throw new UsageError(`--fail-on ${text}: expected regression, inconclusive, both (comma-separated), or never`);
  return new Set(words.map((w) => (w === 'regression' ? 'regressed' : 'inconclusive')));
}

function numberFlag(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} ${text}: expected a number`);
  return n;
}

/** `3%` (or `3`) as 0.03. */
function percentFlag(name: string, text: string): number {
  const n = Number(text.replace(/%$/, ''));
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} ${text}: expected a percentage like 3%`);
  return n / 100;
}

export async function gate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: joinFlagValues(args, ['--baseline-args', '--candidate-args']),
    allowPositionals: true,
    options: GATE_FLAGS,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: chatbench gate SCENARIO.yaml [--baseline-cmd CMD --candidate-cmd CMD | --baseline-dir DIR --candidate-dir DIR] [--rounds N] [--metric PATH:TOL%]… (see chatbench help)');
  const failOn = parseFailOn(values['fail-on']);
  const scenario = scenarioWithShortcuts(file, values);
  const side = (s: 'baseline' | 'candidate'): GateSide => {
    const command = serverCommandOf(values[`${s}-cmd`], values[`${s}-cwd`], values);
    if (!command && values[`${s}-cwd`] !== undefined) throw new UsageError(`--${s}-cwd is the directory of --${s}-cmd: give that too`);
    if (command && (values[`${s}-dir`] || values[`${s}-variant`] || values[`${s}-args`])) throw new UsageError(`--${s}-cmd starts your own server: --${s}-dir, --${s}-variant and --${s}-args are for chatbench's`);
    if (command) return { command };
    const extra = values[`${s}-args`]?.trim();
    return {
      ...(values[`${s}-dir`] ? { checkout: values[`${s}-dir`] } : {}),
      ...(values[`${s}-variant`] ? { variant: values[`${s}-variant`] } : {}),
      ...(extra ? { args: extra.split(/\s+/) } : {}),
    };
  };
  // what a gate and a calibration (gates of the baseline against itself) take alike
  const common = {
    scenario,
    scenarioFile: file,
    baseline: side('baseline'),
    mode: values.mode as GateMode,
    // unset: the mode's calibrated defaults (api/gate-defaults.ts)
    ...(values.rounds !== undefined ? { rounds: numberFlag('rounds', values.rounds) } : {}),
    ...(values.pairs !== undefined ? { pairs: numberFlag('pairs', values.pairs) } : {}),
    ...(values.alpha !== undefined ? { alpha: numberFlag('alpha', values.alpha) } : {}),
    ...(values['no-early-stop'] ? { earlyStop: false } : {}),
    ...(values['look-spread-floor'] !== undefined ? { lookSpreadFloor: percentFlag('look-spread-floor', values['look-spread-floor']) } : {}),
    ...(values.metric?.length ? { metrics: values.metric } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...pinningOf(values.pin),
    ...(values.secret ? { secret: values.secret } : {}),
  };
  if (values.calibrate !== undefined) {
    const gates = Number(values.calibrate);
    if (!Number.isInteger(gates) || gates < 1 || gates > 100) throw new UsageError(`--calibrate ${values.calibrate}: expected a whole number of gates per kind from 1 to 100`);
    const given = ['candidate-cmd', 'candidate-cwd', 'candidate-dir', 'candidate-variant', 'candidate-args'].filter((f) => values[f as keyof typeof values] !== undefined);
    if (given.length) throw new UsageError(`--calibrate measures the baseline's server against itself: drop --${given.join(', --')}`);
    const c = await calibrate({ ...common, gates, injectLatencyMs: numberFlag('inject-latency-ms', values['inject-latency-ms']) });
    console.log(c.markdown);
    console.log(`calibration: ${join(c.out, 'calibration.md')}`);
    return 0;
  }
  const outcome = await runGate({ ...common, candidate: side('candidate') });
  console.log(outcome.markdown);
  console.log(`report: ${outcome.report}`);
  console.log(`verdict: ${outcome.verdictFile}`);
  await publishVerdict(outcome, { comment: values['github-comment'], commentId: values['comment-id'], ...(values.artifact ? { artifact: values.artifact } : {}) });
  if (!failOn.has(outcome.verdict)) return 0;
  return outcome.verdict === 'regressed' ? GATE_REGRESSION_EXIT : outcome.verdict === 'inconclusive' ? GATE_INCONCLUSIVE_EXIT : 0;
}
