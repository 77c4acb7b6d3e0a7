// Where a run's files go: reports/runs/<UTC time>-<scenario>-<variant>/{result.json,report.html}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAssets } from './html/assets.js';
import { renderReport } from './html/render.js';
import type { Result } from './schema.js';

export function defaultRunDir(r: Result): string {
  const stamp = r.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join('reports', 'runs', `${stamp}-${r.scenario.name}-${r.variant}`);
}

export function writeRun(r: Result, dir = defaultRunDir(r)): { result: string; report: string } {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const result = join(abs, 'result.json');
  const report = join(abs, 'report.html');
  writeFileSync(result, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(report, renderReport([r], loadAssets()));
  return { result, report };
}
