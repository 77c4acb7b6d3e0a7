// `chatbench report RESULT.json [RESULT.json …] [--out FILE]`: one run or a comparison.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAssets } from '../reports/html/assets.js';
import { renderReport } from '../reports/html/render.js';
import { parseResult } from '../reports/schema.js';

export async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length === 0) throw new Error('usage: chatbench report RESULT.json [RESULT.json …] [--out FILE]');
  const results = positionals.map((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: cannot read a result: ${(err as Error).message}`);
    }
    return parseResult(raw, file);
  });
  const out = resolve(values.out ?? (results.length === 1 ? positionals[0]!.replace(/\.json$/, '') + '.html' : 'comparison.html'));
  writeFileSync(out, renderReport(results, loadAssets()));
  console.log(`report: ${out}`);
  return 0;
}
