// Read values from a running server's /metrics.
import { sumMetric } from '../../loadgen/coordinator/probe/prometheus-text.js';

export async function scrape(http: string): Promise<string> {
  return (await fetch(`${http}/metrics`)).text();
}

/** The value of one series, e.g. metric(text, 'chatbench_closes_total', 'code="4008"'); 0 when absent. */
export function metric(text: string, name: string, label?: string): number {
  if (!label) return sumMetric(text, name) ?? 0;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
