// Where a run's files go: reports/runs/<UTC time>-<scenario>-<variant>/{result.json,report.html}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAssets } from './report-assets.js';
import { renderReport } from '../../reports/html/render.js';
import type { Result } from '../../results/schema.js';

/** A UTC time for directory names: 20261127T181500Z. */
export function timeStamp(iso = new Date().toISOString()): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function defaultRunDir(r: Result): string {
  return join('reports', 'runs', `${timeStamp(r.startedAt)}-${r.scenario.name}-${r.variant}`);
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
