// One scenario run as a function: `chatbench run` and `import { run } from 'chatbench'` are this.
import type { ServerCommand } from '../loadgen/coordinator/command-server.js';
import type { Pinning } from '../loadgen/coordinator/pinning.js';
import type { RunOptions } from '../loadgen/coordinator/run.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import { runOnce } from '../cli/run-once.js';
import { UsageError } from '../cli/usage-error.js';
import type { Result } from '../results/schema.js';

/** A sharded run's part (docs/distributed.md): shard, startAtMs, maxLateMs, runId. */
type ShardOptions = Partial<Pick<RunOptions, 'shard' | 'startAtMs' | 'maxLateMs' | 'runId'>>;

export interface RunApiOptions extends ShardOptions {
  scenario: Scenario;
  scenarioFile?: string;
  /** What to load (at most one; default the reference server in the scenario's variant): */
  target?: string;
  command?: ServerCommand;
  variant?: string;
  /** A private JWK file: clients sign RS256/ES256/EdDSA tokens with it (against a target). */
  tokenKey?: string;
  /** Where result.json and report.html go (default reports/runs/<time>-<scenario>-<variant>). */
  out?: string;
  pinning?: Pinning;
  secret?: string;
  label?: string;
}

export interface RunOutcome {
  result: Result;
  paths: { result: string; report: string };
  /** 0, or the command line's exit code for a failed sanity check (96) or threshold (99). */
  exitCode: number;
}

export const THRESHOLD_FAILED_EXIT = 99;
/** A sanity check failed: the run measured nothing trustworthy (docs/loadgen.md, "Sanity checks"). */
export const CHECKS_FAILED_EXIT = 96;

/** The exit code of one or more runs: a failed sanity check outranks failed thresholds. */
export function runsExitCode(results: Result[]): number {
  if (results.some((r) => r.checks.some((c) => !c.ok))) return CHECKS_FAILED_EXIT;
  return results.some((r) => r.thresholds.some((t) => !t.ok)) ? THRESHOLD_FAILED_EXIT : 0;
}

export async function run(o: RunApiOptions): Promise<RunOutcome> {
  if ([o.target, o.command, o.variant].filter((x) => x !== undefined).length > 1) throw new UsageError('run: give at most one of target, command and variant');
  const { result, paths } = await runOnce({
    ...(o.shard ? { shard: o.shard } : {}),
    ...(o.startAtMs !== undefined ? { startAtMs: o.startAtMs } : {}),
    ...(o.maxLateMs !== undefined ? { maxLateMs: o.maxLateMs } : {}),
    ...(o.runId !== undefined ? { runId: o.runId } : {}),
    scenario: o.scenario,
    ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}),
    ...(o.target ? { target: o.target } : {}),
    ...(o.command ? { server: { command: o.command } } : {}),
    ...(o.variant ? { variant: o.variant } : {}),
    ...(o.tokenKey ? { tokenKey: o.tokenKey } : {}),
    ...(o.pinning ? { pinning: o.pinning } : {}),
    ...(o.secret ? { secret: o.secret } : {}),
    ...(o.label ? { label: o.label } : {}),
    out: o.out,
  });
  return { result, paths, exitCode: runsExitCode([result]) };
}
