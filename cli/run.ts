// `chatbench run SCENARIO.yaml`: run, print the summary, write result.json and report.html.
import { parseArgs } from 'node:util';
import { loadScenario } from '../loadgen/scenario/parse.js';
import { runScenario } from '../loadgen/run.js';
import { progressLine, saturationWarning, summaryLine } from '../loadgen/summary.js';
import { writeRun } from '../reports/write-run.js';

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
      secret: { type: 'string' },
      clients: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: chatbench run SCENARIO.yaml [--variant NAME | --target ws://HOST:PORT] [--out DIR] [--json]');
  const overrides: Record<string, unknown> = {};
  if (values.clients !== undefined) overrides.clients = Number(values.clients);
  if (values.duration !== undefined) overrides.duration = /^\d+(\.\d+)?$/.test(values.duration) ? Number(values.duration) : values.duration;
  if (values.rate !== undefined) {
    // --rate is the executor's overall rate for the arrival-rate model, else each sender's rate
    const executor = loadScenario(file).executor;
    if (executor.type === 'constant-arrival-rate') overrides.executor = { type: executor.type, rate: Number(values.rate) };
    else overrides.messageRate = Number(values.rate);
  }
  const scenario = loadScenario(file, overrides);
  const log = (line: string) => console.error(line);
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  const result = await runScenario({
    scenario,
    scenarioFile: file,
    ...(values.variant ? { variant: values.variant } : {}),
    ...(values.target ? { target: values.target } : {}),
    ...(values.secret ? { secret: values.secret } : {}),
    log,
    progress: (s, total) => {
      if (tty) process.stderr.write(`\r${progressLine(s, total)}\x1b[K`);
      else if (s.sec - lastPrinted >= 5 || s.sec === 0) {
        lastPrinted = s.sec;
        log(progressLine(s, total));
      }
    },
  });
  if (tty) process.stderr.write('\n');
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
