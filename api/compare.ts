// Several servers under one scenario, rounds interleaved (round r starts with a different server,
// so drift in the machine's state does not always favour the same one): one grouped report and a
// Markdown table. `chatbench compare` and `import { compare } from 'chatbench'` are this function.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerCommand } from '../loadgen/coordinator/command-server.js';
import type { Pinning } from '../loadgen/coordinator/pinning.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import { loadAssets } from '../cli/files/report-assets.js';
import { timeStamp } from '../cli/files/write-run.js';
import { interleave } from '../cli/interleave.js';
import { runOnce } from '../cli/run-once.js';
import { UsageError } from '../cli/usage-error.js';
import type { RunGroup } from '../reports/groups.js';
import { renderReport } from '../reports/html/render.js';
import { comparisonMarkdown } from '../reports/markdown-comparison.js';

/** One column: a reference-server variant, or a server started from a shell command. */
export type CompareServer = { label: string; variant: string } | { label: string; command: ServerCommand };

export interface CompareOptions {
  scenario: Scenario;
  scenarioFile?: string;
  servers: CompareServer[];
  /** Rounds; each figure is the median over them (default 1). */
  repeat?: number;
  out?: string;
  pinning?: Pinning;
  secret?: string;
}

export interface CompareOutcome {
  groups: RunGroup[];
  markdown: string;
  out: string;
  report: string;
  summary: string;
}

export async function compare(o: CompareOptions): Promise<CompareOutcome> {
  const repeat = o.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) throw new UsageError(`--repeat ${repeat}: expected a whole number from 1 to 50`);
  const labels = o.servers.map((s) => s.label);
  if (labels.length === 0 || new Set(labels).size !== labels.length) throw new UsageError(`servers ${labels.join(', ')}: expected at least one, each with its own label`);
  const out = resolve(o.out ?? join('reports', 'compare', `${timeStamp()}-${o.scenario.name}`));
  mkdirSync(out, { recursive: true });
  const groups: RunGroup[] = o.servers.map((s) => ({ label: s.label, results: [] }));
  const plan = interleave(o.servers.map((_, i) => i), repeat);
  for (const [i, { item: k, round }] of plan.entries()) {
    const s = o.servers[k]!;
    console.error(`── run ${i + 1}/${plan.length}: ${s.label}${repeat > 1 ? ` (round ${round + 1}/${repeat})` : ''}`);
    const dir = join(out, repeat > 1 ? `${slug(s.label)}-${round + 1}` : slug(s.label));
    const server = 'command' in s ? { server: { command: { ...s.command, logDir: dir } }, label: s.label } : { variant: s.variant };
    const { result } = await runOnce({ scenario: o.scenario, ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}), ...server, ...(o.pinning ? { pinning: o.pinning } : {}), out: dir, summaryOnStderr: true, ...(o.secret ? { secret: o.secret } : {}) });
    groups[k]!.results.push(result);
  }
  const report = join(out, 'report.html');
  writeFileSync(report, renderReport(groups.flatMap((g) => g.results), loadAssets(), { groups }));
  const markdown = `## ${o.scenario.name}: ${labels.join(' vs ')}\n\n${comparisonMarkdown(groups)}`;
  const summary = join(out, 'summary.md');
  writeFileSync(summary, markdown);
  return { groups, markdown, out, report, summary };
}

const slug = (label: string) => label.replace(/[^A-Za-z0-9._-]+/g, '-');
