// Reading result files from disk, for `chatbench report`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IndexEntry } from '../../reports/html/index-page.js';
import { parseResult, type Result } from '../../results/schema.js';

export function readResult(file: string): Result {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read a result: ${(err as Error).message}`);
  }
  return parseResult(raw, file);
}

/** Every run directory under `dir` (any depth) that holds a result.json, for the index at `indexDir`. */
export function findRuns(dir: string, indexDir: string): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const walk = (d: string, depth: number) => {
    const file = join(d, 'result.json');
    if (existsSync(file)) {
      const href = relative(indexDir, join(d, 'report.html')).split('\\').join('/');
      try {
        entries.push({ href, result: readResult(file) });
      } catch (err) {
        entries.push({ href, problem: (err as Error).message.split('\n')[0]! });
      }
      return;
    }
    if (depth > 3) return;
    for (const name of readdirSync(d)) {
      const sub = join(d, name);
      if (statSync(sub).isDirectory()) walk(sub, depth + 1);
    }
  };
  if (!existsSync(dir)) throw new Error(`${dir}: no such directory`);
  walk(dir, 0);
  return entries;
}
