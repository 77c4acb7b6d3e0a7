// `chatbench compare SCENARIO.yaml`: the same scenario against several server variants, repeated
// and interleaved (round r starts with a different variant, so drift in the machine's state does
// not always favour the same one), then one comparison report and a Markdown table.
// `chatbench compare RESULT.json|RUN_DIR …`: the same table and report from runs already made.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAssets } from './files/report-assets.js';
import { groupRuns } from '../reports/groups.js';
import { renderReport } from '../reports/html/render.js';
import { readResult } from './files/run-files.js';
import { comparisonMarkdown } from '../reports/markdown-comparison.js';
import type { Result } from '../results/schema.js';
import { timeStamp } from './files/write-run.js';
import { VARIANTS } from '../server/config.js';
import { runsExitCode } from './run.js';
import { interleave } from './interleave.js';
import { runOnce } from './run-once.js';
import { COMPARE_FLAGS } from './commands.js';
import { pinningOf, scenarioWithShortcuts } from './run-options.js';
import { UsageError } from './usage-error.js';

const USAGE = 'usage: chatbench compare SCENARIO.yaml [--variants a,b,…] [--repeat N] [--out DIR] | chatbench compare RESULT.json|RUN_DIR … [--out DIR]';

const isResultPath = (p: string) => p.endsWith('.json') || existsSync(join(p, 'result.json'));

/** Runs already made: grouped by what they are (label and variant) — the rounds of a gate or of a
 * compare become one column each — or one column per file when they are all the same kind. */
function compareFiles(paths: string[], outDir: string | undefined): number {
  const files = paths.map((p) => (p.endsWith('.json') ? p : join(p, 'result.json')));
  const results = files.map(readResult);
  const byName = groupRuns(results);
  const groups = byName.length === 1 && results.length > 1 ? results.map((r, i) => ({ label: basename(dirname(resolve(files[i]!))), results: [r] })) : byName;
  const markdown = comparisonMarkdown(groups);
  console.log(markdown);
  if (outDir) {
    const out = resolve(outDir);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.html'), renderReport(results, loadAssets(), { groups }));
    writeFileSync(join(out, 'summary.md'), markdown);
    console.log(`report: ${join(out, 'report.html')}`);
    console.log(`summary: ${join(out, 'summary.md')}`);
  }
  return 0;
}

export async function compare(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: COMPARE_FLAGS,
  });
  const file = positionals[0];
  if (!file) throw new UsageError(USAGE);
  if (positionals.every(isResultPath)) return compareFiles(positionals, values.out);
  const variants = values.variants.split(',').map((v) => v.trim());
  const unknown = variants.filter((v) => !(VARIANTS as readonly string[]).includes(v));
  if (unknown.length || variants.length === 0) throw new UsageError(`--variants: unknown ${unknown.join(', ')}; expected some of ${VARIANTS.join(', ')}`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) throw new UsageError(`--repeat ${values.repeat}: expected a whole number from 1 to 50`);
  const scenario = scenarioWithShortcuts(file, values);
  const out = resolve(values.out ?? join('reports', 'compare', `${timeStamp()}-${scenario.name}`));

  const byVariant = new Map<string, Result[]>(variants.map((v) => [v, []]));
  const pinning = pinningOf(values.pin);
  const plan = interleave(variants, repeat);
  for (const [i, { item: variant, round }] of plan.entries()) {
    console.error(`── run ${i + 1}/${plan.length}: ${variant}${repeat > 1 ? ` (round ${round + 1}/${repeat})` : ''}`);
    const { result } = await runOnce({ scenario, scenarioFile: file, variant, ...pinning, out: join(out, repeat > 1 ? `${variant}-${round + 1}` : variant), summaryOnStderr: true, ...(values.secret ? { secret: values.secret } : {}) });
    byVariant.get(variant)!.push(result);
  }

  const groups = variants.map((label) => ({ label, results: byVariant.get(label)! }));
  const all = groups.flatMap((g) => g.results);
  const report = join(out, 'report.html');
  writeFileSync(report, renderReport(all, loadAssets(), { groups }));
  const markdown = `## ${scenario.name}: ${variants.join(' vs ')}\n\n${comparisonMarkdown(groups)}`;
  writeFileSync(join(out, 'summary.md'), markdown);
  console.log(markdown);
  console.log(`report: ${report}`);
  console.log(`summary: ${join(out, 'summary.md')}`);
  return runsExitCode(all);
}
