// A figure across commits: results grouped by the commit they measured (the server's checkout
// when it was another than the generator's), ordered by commit date, one value per commit (the
// median of its runs, with their range), and the change points of that series.
import { median } from '../lib/median.js';
import { figure, figureValue, valueAt } from '../results/figures.js';
import type { Result } from '../results/schema.js';
import { changePoints, newestStep, type ChangePoint } from './change-points.js';
import type { MetricSpec } from './metric-spec.js';

export interface CommitPoint {
  commit: string;
  date: string;
  runs: number;
  median: number;
  lo: number;
  hi: number;
}

export interface FigureHistory {
  spec: MetricSpec;
  points: CommitPoint[];
  changes: (ChangePoint & { worse: boolean })[];
  /** The newest commit starts a worse level: a regression to stop. */
  newestRegression: (ChangePoint & { worse: boolean }) | undefined;
}

export interface CommitRuns {
  commit: string;
  date: string;
  results: Result[];
}

/** Results by commit, oldest first; results without a commit are left out (counted by the caller). */
export function byCommit(results: Result[]): CommitRuns[] {
  const groups = new Map<string, CommitRuns>();
  for (const r of results) {
    const commit = r.env.serverGitCommit ?? r.env.gitCommit;
    if (!commit) continue;
    const date = (r.env.serverGitCommit ? r.env.serverGitCommitDate : r.env.gitCommitDate) ?? r.startedAt;
    const g = groups.get(commit) ?? { commit, date, results: [] };
    if (date < g.date) g.date = date;
    g.results.push(r);
    groups.set(commit, g);
  }
  const firstRun = (g: CommitRuns) => g.results.map((r) => r.startedAt).sort()[0]!;
  return [...groups.values()].sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || firstRun(a).localeCompare(firstRun(b)));
}

export function figureHistory(spec: MetricSpec, commits: CommitRuns[], alpha?: number): FigureHistory {
  const f = figure(spec.path);
  const points: CommitPoint[] = [];
  for (const c of commits) {
    const values = c.results.map((r) => (f ? figureValue(r, f) : valueAt(r, spec.path))).filter((v): v is number => v !== null);
    if (values.length === 0) continue; // this commit did not measure the figure
    points.push({ commit: c.commit, date: c.date, runs: values.length, median: median(values), lo: Math.min(...values), hi: Math.max(...values) });
  }
  const series = points.map((p) => p.median);
  const worse = (c: ChangePoint) => (spec.better === 'lower' ? c.change > 0 : c.change < 0);
  const changes = changePoints(series, alpha).map((c) => ({ ...c, worse: worse(c) }));
  const newest = series.length >= 3 ? newestStep(series, changes, alpha) : undefined;
  const newestRegression = newest && worse(newest) ? { ...newest, worse: true } : undefined;
  if (newestRegression && !changes.some((c) => c.index === newestRegression.index)) changes.push(newestRegression);
  return { spec, points, changes, newestRegression };
}
