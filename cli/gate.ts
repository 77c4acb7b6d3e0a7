// `chatbench gate SCENARIO.yaml`: runs a baseline and a candidate server build in interleaved
// rounds (ABBA: baseline first in even rounds, candidate first in odd ones), decides with
// statistics whether the candidate regressed, prints a Markdown verdict and sets the exit code.
// The generator is this checkout's for both sides: one instrument measures both.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decide } from '../ci/decide.js';
import { DEFAULT_METRICS, parseMetricSpec } from '../ci/metric-spec.js';
import { roundsNeeded } from '../ci/stats.js';
import { verdictMarkdown } from '../ci/verdict-markdown.js';
import { serverEntry, type ServerBuild } from '../loadgen/coordinator/server-process.js';
import { loadAssets } from './files/report-assets.js';
import { renderReport } from '../reports/html/render.js';
import type { Result } from '../results/schema.js';
import { timeStamp } from './files/write-run.js';
import { interleave } from './interleave.js';
import { runOnce } from './run-once.js';
import { GATE_FLAGS } from './commands.js';
import { pinningOf, scenarioWithShortcuts } from './run-options.js';
import { asUsage, UsageError } from './usage-error.js';

export const GATE_REGRESSION_EXIT = 98;
export const GATE_INCONCLUSIVE_EXIT = 97;

export const SIDES = ['baseline', 'candidate'] as const;
type Side = (typeof SIDES)[number];

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

export async function gate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: joinFlagValues(args, ['--baseline-args', '--candidate-args']),
    allowPositionals: true,
    options: GATE_FLAGS,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: chatbench gate SCENARIO.yaml [--baseline-dir DIR] [--candidate-dir DIR] [--rounds N] [--metric PATH:TOL%]… (see chatbench help)');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new UsageError(`--rounds ${values.rounds}: expected a whole number from 1 to 50`);
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${values.alpha}: expected a number between 0 and 0.5`);
  const specs = (values.metric?.length ? values.metric : DEFAULT_METRICS).map((m) => asUsage(() => parseMetricSpec(m)));
  // Holm tests the smallest p of m figures against alpha / m: rounds must make that reachable
  const needed = roundsNeeded(alpha / specs.length);
  if (rounds < needed) throw new UsageError(`--rounds ${rounds}: with so few rounds no difference in any of ${specs.length} figure(s) can reach p < ${alpha}/${specs.length} (Holm), so the gate could never fail; use at least ${needed}`);
  const scenario = scenarioWithShortcuts(file, values);
  const side = (s: Side) => {
    const dir = values[`${s}-dir`];
    const extra = values[`${s}-args`]?.trim();
    const build: ServerBuild = { ...(dir ? { checkout: dir } : {}), ...(extra ? { args: extra.split(/\s+/) } : {}) };
    const variant = values[`${s}-variant`] ?? scenario.variant;
    const words = `${dir ? `\`${resolve(dir)}\`` : 'this checkout'}, variant ${variant}${extra ? `, \`chatbench serve … ${extra}\`` : ''}`;
    return { build, variant, words };
  };
  const how = { baseline: side('baseline'), candidate: side('candidate') };
  for (const s of SIDES) serverEntry(how[s].build); // an unbuilt checkout fails now, not after an hour of runs
  const out = resolve(values.out ?? join('reports', 'gate', `${timeStamp()}-${scenario.name}`));

  const pinning = pinningOf(values.pin);
  const runs: Record<Side, Result[]> = { baseline: [], candidate: [] };
  const order = interleave(SIDES, rounds); // ABBA: the side that runs first alternates
  for (const [i, { item: s, round }] of order.entries()) {
    console.error(`── run ${i + 1}/${order.length}: ${s}, round ${round + 1}/${rounds}`);
    const { result } = await runOnce({
      scenario,
      scenarioFile: file,
      variant: how[s].variant,
      server: how[s].build,
      label: s,
      out: join(out, `${s}-${round + 1}`),
      summaryOnStderr: true,
      ...pinning,
      ...(values.secret ? { secret: values.secret } : {}),
    });
    runs[s].push(result);
  }

  const decision = decide(specs, runs.baseline, runs.candidate, alpha);
  const markdown = verdictMarkdown(decision, { scenario: scenario.name, rounds, baseline: how.baseline.words, candidate: how.candidate.words, alpha });
  writeFileSync(join(out, 'verdict.md'), markdown);
  const groups = SIDES.map((s) => ({ label: s, results: runs[s] }));
  writeFileSync(join(out, 'report.html'), renderReport([...runs.baseline, ...runs.candidate], loadAssets(), { groups, verdictMarkdown: markdown }));
  console.log(markdown);
  console.log(`report: ${join(out, 'report.html')}`);
  console.log(`verdict: ${join(out, 'verdict.md')}`);
  return decision.verdict === 'pass' ? 0 : decision.verdict === 'regression' ? GATE_REGRESSION_EXIT : GATE_INCONCLUSIVE_EXIT;
}
