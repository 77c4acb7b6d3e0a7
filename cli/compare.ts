// `chatbench compare SCENARIO.yaml`: the same scenario against several server variants (or server
// commands), repeated and interleaved — the command line of api/compare.ts.
// `chatbench compare RESULT.json|RUN_DIR …`: the same table and report from runs already made.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAssets } from './files/report-assets.js';
import { groupRuns } from '../reports/groups.js';
import { renderReport } from '../reports/html/render.js';
import { readResult } from './files/run-files.js';
import { comparisonMarkdown } from '../reports/markdown-comparison.js';
import { VARIANTS } from '../server/config.js';
import { runsExitCode } from './run.js';
import { compare as runCompare, type CompareServer } from '../api/compare.js';
import { COMPARE_FLAGS } from './commands.js';
import { pinningOf, scenarioWithShortcuts, serverCommandOf } from './run-options.js';
import { UsageError } from './usage-error.js';

const USAGE = 'usage: chatbench compare SCENARIO.yaml [--variants a,b,… | --server-cmd CMD --server-cmd CMD …] [--repeat N] [--out DIR] | chatbench compare RESULT.json|RUN_DIR … [--out DIR]';

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
  const commands = values['server-cmd'] ?? [];
  const labels = commands.length ? commandLabels(commands.length, values.labels) : values.variants.split(',').map((v) => v.trim());
  if (!commands.length) {
    const unknown = labels.filter((v) => !(VARIANTS as readonly string[]).includes(v));
    if (unknown.length || labels.length === 0) throw new UsageError(`--variants: unknown ${unknown.join(', ')}; expected some of ${VARIANTS.join(', ')}`);
  }
  const servers: CompareServer[] = labels.map((label, i) => (commands.length ? { label, command: serverCommandOf(commands[i], undefined, values)! } : { label, variant: label }));
  const outcome = await runCompare({
    scenario: scenarioWithShortcuts(file, values),
    scenarioFile: file,
    servers,
    repeat: Number(values.repeat),
    ...(values.out ? { out: values.out } : {}),
    ...pinningOf(values.pin),
    ...(values.secret ? { secret: values.secret } : {}),
  });
  console.log(outcome.markdown);
  console.log(`report: ${outcome.report}`);
  console.log(`summary: ${outcome.summary}`);
  const all = outcome.groups.flatMap((g) => g.results);
  return runsExitCode(all);
}

/** --labels a,b for N commands, or command 1 … command N. */
function commandLabels(n: number, given: string | undefined): string[] {
  const labels = given ? given.split(',').map((l) => l.trim()) : Array.from({ length: n }, (_, i) => `command ${i + 1}`);
  if (labels.length !== n || new Set(labels).size !== n || labels.some((l) => !l)) throw new UsageError(`--labels ${given}: expected ${n} different names, one per --server-cmd`);
  return labels;
}
