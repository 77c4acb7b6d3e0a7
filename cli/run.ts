// `chatbench run SCENARIO.yaml`: the command line of api/run.ts — run, print the summary, write
// result.json and report.html.
import { parseArgs } from 'node:util';
import { detailLines, summaryLine } from '../loadgen/coordinator/summary.js';
import { run as runScenarioOnce } from '../api/run.js';
import { RUN_FLAGS } from './commands.js';
import { scenarioWithShortcuts, serverCommandOf } from './run-options.js';
import { UsageError } from './usage-error.js';
import { parseShard, parseStartAt, ShardError } from '../loadgen/coordinator/shard.js';
import { parseDuration } from '../lib/duration.js';
import { pinningOf } from './run-options.js';

export { CHECKS_FAILED_EXIT, runsExitCode, THRESHOLD_FAILED_EXIT } from '../api/run.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: RUN_FLAGS,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: chatbench run SCENARIO.yaml [--variant NAME | --target ws://HOST:PORT | --server-cmd "CMD {port}"] [--out DIR] [--json]');
  const command = serverCommandOf(values['server-cmd'], values['server-cwd'], values);
  if (!command && values['server-cwd'] !== undefined) throw new UsageError('--server-cwd is the directory of --server-cmd: give that too');
  if (command && (values.target || values.variant)) throw new UsageError('--server-cmd starts your own server: drop --target and --variant');
  const scenario = scenarioWithShortcuts(file, values);
  const { result, paths, exitCode } = await runScenarioOnce({
    ...(command ? { command } : {}),
    scenario,
    scenarioFile: file,
    ...(values.out ? { out: values.out } : {}),
    ...(values.variant ? { variant: values.variant } : {}),
    ...(values.target ? { target: values.target } : {}),
    ...(values.secret ? { secret: values.secret } : {}),
    ...(values['token-key'] ? { tokenKey: values['token-key'] } : {}),
    ...shardOptions(values),
    ...pinningOf(values.pin),
  });
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(summaryLine(result));
    for (const line of detailLines(result)) console.log(line);
    console.log(`report: ${paths.report}`);
    console.log(`result: ${paths.result}`);
  }
  return exitCode;
}

/** --shard, --start-at, --max-late, --run-id as run options. */
function shardOptions(v: { shard?: string | undefined; 'start-at'?: string | undefined; 'max-late'?: string | undefined; 'run-id'?: string | undefined }) {
  if (!v.shard && v['run-id'] !== undefined) throw new ShardError('--run-id is for sharded runs: give --shard I/N too');
  return {
    ...(v.shard ? { shard: parseShard(v.shard) } : {}),
    ...(v['start-at'] !== undefined ? { startAtMs: parseStartAt(v['start-at']) } : {}),
    ...(v['max-late'] !== undefined ? { maxLateMs: durationMs(v['max-late']) } : {}),
    ...(v['run-id'] !== undefined ? { runId: v['run-id'] } : {}),
  };
}

function durationMs(spec: string): number {
  const ms = parseDuration(spec);
  if (ms === undefined) throw new ShardError(`--max-late ${spec}: expected a duration (500ms, 2s)`);
  return ms;
}
