// Reports and merges for library users: the same functions `chatbench report` and `merge` use,
// with the report's assets (uPlot) read from the installed package.
import { loadAssets } from '../cli/files/report-assets.js';
import { readResultWithVersion } from '../cli/files/run-files.js';
import { renderReport as renderWith, type ReportOptions } from '../reports/html/render.js';
import { mergeShards } from '../results/shard-merge.js';
import type { Result } from '../results/schema.js';

/** A self-contained HTML report of one run, or a comparison of several. */
export function renderReport(results: Result[], options: ReportOptions = {}): string {
  return renderWith(results, loadAssets(), options);
}

/** The shards of one sharded run as one result (histograms added, checks and thresholds
 * re-evaluated); throws MergeRefusedError, naming why, when they are not one run. */
export function merge(files: string[]): Result {
  return mergeShards(files.map((source) => ({ source, ...readResultWithVersion(source) })));
}
