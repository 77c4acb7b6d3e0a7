// `chatbench report`: RESULT.json [RESULT.json …] [--out FILE] renders one run or a comparison;
// --index DIR writes an index of every run under DIR; --serve [DIR] serves DIR on localhost.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPORT_FLAGS } from './commands.js';
import { loadAssets } from './files/report-assets.js';
import { renderIndex } from '../reports/html/index-page.js';
import { renderReport } from '../reports/html/render.js';
import { findRuns, readResult } from './files/run-files.js';
import { serveReports } from './files/serve-reports.js';
import { UsageError } from './usage-error.js';

export async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: REPORT_FLAGS,
  });
  if (values.serve) {
    const dir = resolve(positionals[0] ?? 'reports/runs');
    if (!existsSync(dir)) throw new Error(`${dir}: no such directory`);
    const server = await serveReports(dir, Number(values.port ?? 0));
    console.log(`serving ${dir} at ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((r) => {
      process.once('SIGINT', r);
      process.once('SIGTERM', r);
    });
    await server.close();
    return 0;
  }
  if (values.index !== undefined) {
    const dir = resolve(values.index);
    const out = resolve(values.out ?? `${dir}/index.html`);
    writeFileSync(out, renderIndex(findRuns(dir, dirname(out))));
    console.log(`index: ${out}`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('usage: chatbench report RESULT.json [RESULT.json …] [--out FILE] | --index DIR [--out FILE] | --serve [DIR]');
  const results = positionals.map(readResult);
  const out = resolve(values.out ?? (results.length === 1 ? positionals[0]!.replace(/\.json$/, '') + '.html' : 'comparison.html'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(results, loadAssets()));
  console.log(`report: ${out}`);
  return 0;
}
