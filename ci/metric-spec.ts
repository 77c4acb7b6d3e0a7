// ci/ is the performance gate's library (chatbench gate); .ci/ holds this repository's own CI script.
// What the gate compares: a figure of result.json (a dotted path), which way is better, and how
// much worse the candidate may be before it counts (the tolerance, a fraction of the baseline).
import { figure as catalogFigure } from '../results/figures.js';

export interface MetricSpec {
  path: string;
  label: string;
  better: 'lower' | 'higher';
  tolerance: number; // 0.1 = 10 %
  unit?: string;
  show?: (v: number) => number; // how to show a raw value (e.g. bytes as KiB)
}

// server CPU over the steady seconds: the start, connects, drain and stop vary more from run to run
// than a delivery's cost (docs/gate.md, "Measured here")
export const DEFAULT_METRICS = ['latencyMs.e2e.p50:10%', 'latencyMs.e2e.p99:10%', 'server.steadyCpuMsPer1kDeliveries:10%'];

/** Counts that must stay zero: any in the candidate while the baseline had none is a regression. */
export const CORRECTNESS = [
  { path: 'messages.lost', label: 'Lost' },
  { path: 'messages.duplicated', label: 'Duplicated' },
  { path: 'connections.failed', label: 'Connections failed' },
  { path: 'messages.refused', label: 'Sends refused' },
  { path: 'messages.unanswered', label: 'Sends unanswered' },
] as const;

/** `PATH[:TOLERANCE%][:lower|higher]`, e.g. `latencyMs.e2e.p99:10%` or `throughput.deliveredPerSec:5%:higher`. */
export function parseMetricSpec(text: string): MetricSpec {
  const [given = '', ...rest] = text.split(':');
  const figure = catalogFigure(given); // a catalog name (e2e.p99) or any path of result.json
  const path = figure?.metric ?? given;
  let tolerance = 0.1;
  let better = figure?.better;
  for (const part of rest) {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(part);
    if (pct) tolerance = Number(pct[1]) / 100;
    else if (part === 'lower' || part === 'higher') better = part;
    else throw new Error(`--metric ${text}: "${part}" is neither a tolerance like 10% nor lower|higher`);
  }
  if (!/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/.test(path)) throw new Error(`--metric ${text}: expected a dotted path into result.json, e.g. latencyMs.e2e.p99`);
  if (!better) throw new Error(`--metric ${text}: say whether lower or higher is better (${path}:10%:lower)`);
  return { path, label: figure?.label ?? path, better, tolerance, ...(figure?.unit ? { unit: figure.unit } : {}), ...(figure?.show ? { show: figure.show } : {}) };
}
