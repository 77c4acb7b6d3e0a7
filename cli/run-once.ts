// The one sequence every command that runs a scenario goes through: live progress, the run,
// the files (result.json, report.html), then the generator's saturation warning. `run`,
// `compare`, `gate` and `profile` differ only in what they do around it.
import { runScenario, type RunOptions } from '../loadgen/coordinator/run.js';
import { saturationWarning, summaryLine } from '../loadgen/coordinator/summary.js';
import type { Result } from '../results/schema.js';
import { join, resolve } from 'node:path';
import { timeStamp, writeRun } from './files/write-run.js';
import { stderrProgress } from './run-options.js';

export interface OnceOptions extends Omit<RunOptions, 'log' | 'progress'> {
  /** What the command calls this run (result.label). */
  label?: string;
  /** Where its files go (default: reports/runs/<time>-<scenario>-<variant>). */
  out?: string | undefined;
  /** Print the one-line summary on stderr (commands that run many). */
  summaryOnStderr?: boolean;
  /** No live progress (the second of two runs at once). */
  quiet?: boolean;
}

export async function runOnce(o: OnceOptions): Promise<{ result: Result; paths: { result: string; report: string } }> {
  const { progress, done } = o.quiet ? { progress: undefined, done: () => {} } : stderrProgress();
  const { label, summaryOnStderr, quiet: _quiet, ...run } = o;
  let out = o.out;
  const command = run.server?.command;
  if (command && !command.logDir) {
    // the server command's output goes beside the run's result, so the directory is known now
    out = resolve(out ?? join('reports', 'runs', `${timeStamp()}-${run.scenario.name}-command`));
    run.server = { ...run.server, command: { ...command, logDir: out } };
  }
  let result: Result;
  try {
    result = await runScenario({ ...run, log: (line) => console.error(line), ...(progress ? { progress } : {}) });
  } finally {
    done();
  }
  if (label) result.label = label;
  const paths = writeRun(result, out);
  if (summaryOnStderr) console.error(summaryLine(result));
  const warning = saturationWarning(result);
  if (warning) console.error(warning);
  return { result, paths };
}
