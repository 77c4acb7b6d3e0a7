// `chatbench run SCENARIO.yaml`: run, print the summary, write result.json and report.html.
import { parseArgs } from 'node:util';
import { runScenario } from '../loadgen/run.js';
import { saturationWarning, summaryLine } from '../loadgen/summary.js';
import { writeRun } from '../reports/write-run.js';
import { SCENARIO_OPTIONS, scenarioWithShortcuts, stderrProgress } from './run-options.js';
import { UsageError } from './usage-error.js';

export const THRESHOLD_FAILED_EXIT = 99;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      variant: { type: 'string' },
      target: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...SCENARIO_OPTIONS,
    },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: chatbench run SCENARIO.yaml [--variant NAME | --target ws://HOST:PORT] [--out DIR] [--json]');
  const scenario = scenarioWithShortcuts(file, values);
  const { progress, done } = stderrProgress();
  const result = await runScenario({
    scenario,
    scenarioFile: file,
    ...(values.variant ? { variant: values.variant } : {}),
    ...(values.target ? { target: values.target } : {}),
    ...(values.secret ? { secret: values.secret } : {}),
    log: (line) => console.error(line),
    progress,
  });
  done();
  const paths = writeRun(result, values.out);
  const warning = saturationWarning(result);
  if (warning) console.error(warning);
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(summaryLine(result));
    console.log(`report: ${paths.report}`);
    console.log(`result: ${paths.result}`);
  }
  return result.thresholds.some((t) => !t.ok) ? THRESHOLD_FAILED_EXIT : 0;
}
