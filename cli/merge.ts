// `chatbench merge`: the shards of one sharded run as one result.json and report.html.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summaryLine } from '../loadgen/coordinator/summary.js';
import { MergeRefusedError, mergeShards, type ShardPart } from '../results/shard-merge.js';
import { parseResult } from '../results/schema.js';
import { MERGE_FLAGS } from './commands.js';
import { defaultRunDir, writeRun } from './files/write-run.js';
import { runsExitCode } from './run.js';
import { UsageError } from './usage-error.js';

/** A result file; a run directory (its result.json); or a directory of run directories. */
function resultFiles(arg: string): string[] {
  if (!existsSync(arg)) throw new UsageError(`${arg}: no such file or directory`);
  if (!statSync(arg).isDirectory()) return [arg];
  if (existsSync(join(arg, 'result.json'))) return [join(arg, 'result.json')];
  const inside = readdirSync(arg)
    .sort()
    .map((name) => join(arg, name, 'result.json'))
    .filter((f) => existsSync(f));
  if (inside.length === 0) throw new UsageError(`${arg}: holds no result.json, nor directories that do`);
  return inside;
}

function readPart(file: string): ShardPart {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: cannot read a result: ${(err as Error).message}`);
  }
  return { source: file, schemaVersion: (raw as { schemaVersion?: unknown } | null)?.schemaVersion, result: parseResult(raw, file) };
}

export async function merge(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MERGE_FLAGS });
  if (positionals.length === 0) throw new UsageError('usage: chatbench merge SHARD_DIR|RESULT.json|DIR_OF_SHARDS … [--out DIR]');
  const parts = positionals.flatMap(resultFiles).map(readPart);
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
