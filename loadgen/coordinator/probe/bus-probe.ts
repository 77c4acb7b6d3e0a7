// What the bus did over a run: each node's bus counters from its /metrics (the last answer it gave:
// a killed node keeps its figures up to its death) and, for a Redis the run started, INFO's CPU and
// memory. Counters are taken as differences from the first sample, so a --target cluster that ran
// before counts only this run.
import { Redis } from 'ioredis';
import type { Result } from '../../../results/schema.js';
import { sumMetric } from './prometheus-text.js';
import { fetchText } from './server-probe.js';

const NODE_COUNTERS = {
  deliveries: 'chatbench_deliveries_total',
  deliveriesFromOtherNodes: 'chatbench_bus_remote_deliveries_total',
  published: 'chatbench_bus_published_total',
  publishFailed: 'chatbench_bus_publish_failed_total',
  gapFills: 'chatbench_bus_gap_fills_total',
  recovered: 'chatbench_bus_recovered_total',
  unrecovered: 'chatbench_bus_unrecovered_total',
  disconnects: 'chatbench_bus_disconnects_total',
  downSec: 'chatbench_bus_down_seconds_total',
} as const;
type NodeCounters = Record<keyof typeof NODE_COUNTERS, number>;

export class BusProbe {
  private readonly first = new Map<string, NodeCounters>();
  private readonly last = new Map<string, NodeCounters>();
  private readonly answeredLast = new Set<string>();
  private readonly redis: Redis | undefined;
  private cpuFirst: number | undefined;
  private cpuLast = 0;
  private cpuBeforeRestarts = 0; // a restarted Redis counts its CPU from zero again
  private memPeak = 0;
  private rss = 0;

  constructor(
    private readonly urls: string[], // http://host:port of every node
    redisUrl?: string,
  ) {
    if (redisUrl) {
      this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 200, connectTimeout: 1000 });
      this.redis.on('error', () => {}); // a Redis restarted by a fault: the next sample tries again
    }
  }

  async sample(): Promise<void> {
    await Promise.all([...this.urls.map((u) => this.sampleNode(u)), this.sampleRedis()]);
  }

  private async sampleNode(url: string): Promise<void> {
    let text: string;
    try {
      text = await fetchText(`${url}/metrics`, 2000);
    } catch {
      this.answeredLast.delete(url);
      return;
    }
    const c = Object.fromEntries(Object.entries(NODE_COUNTERS).map(([k, name]) => [k, sumMetric(text, name) ?? 0])) as NodeCounters;
    if (!this.first.has(url)) this.first.set(url, c);
    this.last.set(url, c);
    this.answeredLast.add(url);
  }

  private async sampleRedis(): Promise<void> {
    if (!this.redis) return;
    let info: string;
    try {
      info = await this.redis.info();
    } catch {
      return;
    }
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const cpu = field('used_cpu_sys') + field('used_cpu_user');
    if (!Number.isFinite(cpu)) return;
    if (this.cpuFirst === undefined) this.cpuFirst = cpu;
    else if (cpu < this.cpuLast) this.cpuBeforeRestarts += this.cpuLast;
    this.cpuLast = cpu;
    this.memPeak = Math.max(this.memPeak, field('used_memory') || 0);
    this.rss = Math.max(this.rss, field('used_memory_rss') || 0);
  }

  /** The bus block of the result (after a last sample). */
  async finish(): Promise<NonNullable<Result['bus']>> {
    await this.sample();
    this.redis?.disconnect();
    const nodes = this.urls.map((url) => {
      const a = this.first.get(url);
      const b = this.last.get(url);
      const d = Object.fromEntries(Object.keys(NODE_COUNTERS).map((k) => [k, a && b ? b[k as keyof NodeCounters] - a[k as keyof NodeCounters] : 0])) as NodeCounters;
      return { url, ...d, downSec: Math.round(d.downSec * 1000) / 1000, reachable: this.answeredLast.has(url) };
    });
    const messages = nodes.reduce((s, n) => s + n.published, 0);
    const deliveries = nodes.reduce((s, n) => s + n.deliveries, 0);
    const remote = nodes.reduce((s, n) => s + n.deliveriesFromOtherNodes, 0);
    const cpuSeconds = this.cpuFirst === undefined ? undefined : this.cpuBeforeRestarts + this.cpuLast - this.cpuFirst;
    return {
      kind: 'redis',
      messages,
      crossNodeShare: deliveries > 0 ? Math.round((remote / deliveries) * 1e4) / 1e4 : null,
      nodes,
      redis:
        cpuSeconds === undefined
          ? null
          : { cpuSeconds: Math.round(cpuSeconds * 1e3) / 1e3, cpuMsPer1kMessages: messages > 0 ? Math.round((cpuSeconds * 1e6) / messages * 1e3) / 1e3 : null, usedMemoryPeakBytes: this.memPeak, rssBytes: this.rss },
    };
  }
}
