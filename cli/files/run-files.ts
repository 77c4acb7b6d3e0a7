// Reading result files from disk, for `chatbench report`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IndexEntry } from '../../reports/html/index-page.js';
import { parseResult, type Result } from '../../results/schema.js';

export function readResult(file: string): Result {
  return readResultWithVersion(file).result;
}

/** A result and the schemaVersion its file says, before any upgrade on read. */
export function readResultWithVersion(file: string): { result: Result; schemaVersion: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read a result: ${(err as Error).message}`);
  }
  return { result: parseResult(raw, file), schemaVersion: (raw as { schemaVersion?: unknown } | null)?.schemaVersion };
}

/** The result files the arguments name: a file as it is; a directory's result.json, or else the
 * result.json of every run directory under it (to `maxDepth`), in name order. */
export function resultFilesIn(paths: string[], maxDepth: number): string[] {
  const found: string[] = [];
  const walk = (p: string, depth: number) => {
    if (!statSync(p).isDirectory()) return void found.push(p);
    if (existsSync(join(p, 'result.json'))) return void found.push(join(p, 'result.json'));
    if (depth >= maxDepth) return;
    for (const name of readdirSync(p).sort()) if (statSync(join(p, name)).isDirectory()) walk(join(p, name), depth + 1);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new Error(`${p}: no such file or directory`);
    const before = found.length;
    walk(p, 0);
    if (found.length === before) throw new Error(`${p}: holds no result.json, nor run directories that do`);
  }
  return found;
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
