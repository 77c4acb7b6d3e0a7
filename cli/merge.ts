// `chatbench merge`: the shards of one sharded run as one result.json and report.html.
import { parseArgs } from 'node:util';
import { summaryLine } from '../loadgen/coordinator/summary.js';
import { MergeRefusedError, mergeShards, type ShardPart } from '../results/shard-merge.js';
import { MERGE_FLAGS } from './commands.js';
import { defaultRunDir, writeRun } from './files/write-run.js';
import { readResultWithVersion, resultFilesIn } from './files/run-files.js';
import { runsExitCode } from './run.js';
import { asUsage, UsageError } from './usage-error.js';

export async function merge(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MERGE_FLAGS });
  if (positionals.length === 0) throw new UsageError('usage: chatbench merge SHARD_DIR|RESULT.json|DIR_OF_SHARDS … [--out DIR]');
  const parts: ShardPart[] = asUsage(() => resultFilesIn(positionals, 1)).map((file) => ({ source: file, ...readResultWithVersion(file) }));
  let merged;
  try {
    merged = mergeShards(parts);
  } catch (err) {
    if (!(err instanceof MergeRefusedError)) throw err;
    console.error(err.message);
    return 2;
  }
  const paths = writeRun(merged, values.out ?? `${defaultRunDir(merged)}-merged`);
  if (values.json) console.log(JSON.stringify(merged));
  else {
    const m = merged.merged!;
    console.log(`merged ${m.shards} shards of run ${m.runId} (server figures from ${m.serverFiguresFrom}; starts spread over ${m.t0SpreadMs} ms, latest ${m.maxLateMs} ms late)`);
    console.log(summaryLine(merged));
    console.log(`report: ${paths.report}`);
    console.log(`result: ${paths.result}`);
  }
  return runsExitCode([merged]);
}
