// Runs grouped for comparison — by variant, or by label for a gate's baseline and candidate — and
// what a group shows for a figure: the median over its runs, their range, the ratio to the
// reference group (the first). One place for the Markdown table and the HTML report.
import { median } from '../lib/median.js';
import { runName } from './html/chart-data.js';
import { figureValue, type Figure } from '../results/figures.js';
import type { Result } from '../results/schema.js';

export interface RunGroup {
  label: string;
  results: Result[];
}

/** Groups in order of first appearance, one per run name (label and variant). */
export function groupRuns(results: Result[]): RunGroup[] {
  const byName = new Map<string, Result[]>();
  for (const r of results) byName.set(runName(r), [...(byName.get(runName(r)) ?? []), r]);
  return [...byName].map(([label, rs]) => ({ label, results: rs }));
}

export interface GroupFigure {
  values: number[]; // the runs' values, nulls (no data) left out
  median: number | null;
  lo: number | null;
  hi: number | null;
  ratio: number | null; // median / the reference group's median
}

export function groupFigure(g: RunGroup, f: Figure, reference?: RunGroup): GroupFigure {
  const values = valuesOf(g, f);
  if (values.length === 0) return { values, median: null, lo: null, hi: null, ratio: null };
  const m = median(values);
  const ref = reference && reference !== g ? valuesOf(reference, f) : [];
  const base = ref.length ? median(ref) : 0;
  return { values, median: m, lo: Math.min(...values), hi: Math.max(...values), ratio: base !== 0 ? m / base : null };
}

export function valuesOf(g: RunGroup, f: Figure): number[] {
  return g.results.map((r) => figureValue(r, f)).filter((v): v is number => v !== null);
}
