// Turns what the generators and the server probe saw into a result (results/schema.ts).
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import type { Result, SeriesRow } from '../../results/schema.js';
import { SCHEMA_VERSION } from '../../results/schema.js';
import type { GeneratorOutcome } from './generators.js';
import { mergeEncoded, summarize } from '../../results/histogram.js';
import type { ServerSample } from './probe/server-probe.js';
import { hostSecond, type HostSample } from './probe/host-sampler.js';
import { machineStallReason, saturationCause, stalledSeconds } from '../../results/saturation-cause.js';
import type { Scenario } from '../scenario/schema.js';
import { MIN_CONNECTIONS_FOR_MEMORY, memoryPerConnection } from '../../results/memory-fit.js';
import { median } from '../../lib/median.js';
import type { Executor } from '../executors/executor.js';
import { evaluateThresholds } from '../../results/thresholds.js';
import { sanityChecks } from '../../results/sanity.js';
import { packageRoot, packageVersion } from '../../lib/paths.js';

export const LOOP_DELAY_SATURATED_MS = 50;
export const LOOP_BLOCK_SATURATED_MS = 200;
export const CPU_SATURATED_FRACTION = 0.9;

export interface BuildInput {
  scenario: Scenario;
  scenarioFile?: string;
  variant: string;
  target: string;
  startedAt: Date;
  wallSec: number;
  outcome: GeneratorOutcome;
  samples: ServerSample[];
  /** The machine's stall counters, sampled beside the server (one a second). */
  hostSamples?: HostSample[];
  executor: Executor;
  serverPids: number[];
  /** The shell command the servers were started with (--server-cmd). */
  serverCommand?: string;
  processes: number;
  /** Clients this run created (a shard's share; default all of the executor's). */
  clients?: number;
  shard?: Result['shard'];
  pinning?: { server: string; generator: string };
  /** The checkout an embedded server was started from, when not this one. */
  serverCheckout?: string;
  bus?: Result['bus'];
  faults?: Result['faults'];
  gateRound?: Result['gateRound'];
}

export function buildResult(i: BuildInput): Result {
  const { outcome, scenario } = i;
  const c = sumCounts(outcome.finals.map((f) => f.counts));
  const hist = (key: 'e2e' | 'e2eUncorrected' | 'ack' | 'connect' | 'instrument') => summarize(mergeEncoded(outcome.finals.map((f) => f.hist[key] ?? '')));
  const series = buildSeries(outcome, i.samples, i.hostSamples ?? []);
  const holdFrom = Math.ceil(i.executor.rampEndMs / 1000);
  const holdTo = Math.floor(i.executor.durationMs / 1000);
  const hold = series.filter((r) => r.t >= holdFrom && r.t < holdTo);
  const mean = (rows: SeriesRow[], key: 'sent' | 'delivered') => (rows.length ? rows.reduce((a, r) => a + r[key], 0) / rows.length : 0);
  const server = serverFigures(i.samples, outcome, i.executor, c.delivered);
  const saturationReasons = saturation(outcome, c);
  const stalled = stalledSeconds(series);
  const busy = [...outcome.seconds.values()].some((s) => s.cpuMaxUs > CPU_SATURATED_FRACTION * 1e6);
  const cause = saturationCause(saturationReasons.length > 0, busy, stalled, series, LOOP_DELAY_SATURATED_MS);
  const result: Result = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'chatbench', version: packageVersion() },
    scenario: { name: scenario.name, ...(i.scenarioFile ? { file: i.scenarioFile } : {}), config: scenario as unknown as Record<string, unknown> },
    variant: i.variant,
    target: i.target,
    startedAt: i.startedAt.toISOString(),
    durationSec: round(i.wallSec, 3),
    env: { ...environment(i.serverCheckout), ...(i.pinning ? { pinning: i.pinning } : {}) },
    connections: { target: i.clients ?? i.executor.clients, peak: c.peakConnected, failed: c.connectFailed, retries: c.connectRetries, reconnects: c.reconnects, resumes: c.resumes },
    messages: {
      sent: c.sent,
      acked: c.acked,
      refused: c.refused,
      refusedByCode: c.refusedByCode,
      abandoned: c.abandoned,
      unanswered: c.unanswered,
      delivered: c.delivered,
      expected: c.expected,
      lost: c.lost,
      duplicated: c.duplicated,
      reordered: c.reordered,
      recovered: c.recovered,
    },
    latencyMs: { e2e: hist('e2e'), e2eUncorrected: hist('e2eUncorrected'), ack: hist('ack'), connect: hist('connect') },
    throughput: { sentPerSec: round(mean(hold, 'sent'), 1), deliveredPerSec: round(mean(hold, 'delivered'), 1) },
    server: { ...(i.serverPids.length ? { pid: i.serverPids[0], pids: i.serverPids } : {}), ...(i.serverCommand ? { command: i.serverCommand } : {}), ...server },
    generator: {
      processes: i.processes,
      cpuSeconds: round((c.cpuUserUs + c.cpuSystemUs) / 1e6, 3),
      rssBytes: c.rssBytes,
      bytesPerClient: bytesPerClient(outcome.finals.map((f) => f.counts)),
      loopDelayP99Ms: round(c.loopDelayP99Ms, 2),
      loopDelayMaxMs: round(c.loopDelayMaxMs, 2),
      saturated: saturationReasons.length > 0,
      saturationReasons: cause === 'generator' || cause === null ? saturationReasons : [...saturationReasons, machineStallReason(stalled, series)],
      saturationCause: cause,
      instrumentDelayMs: hist('instrument'),
    },
    ...(i.hostSamples?.length ? { host: hostFigures(series, stalled) } : {}),
    errors: c.errors,
    ...errorSamples(outcome.finals.map((f) => f.counts.errorSamples)),
    closes: c.closes,
    saturation: saturationPoint(series),
    checks: [],
    thresholds: [],
    series,
    ...(i.bus ? { bus: i.bus } : {}),
    ...(i.faults ? { faults: i.faults } : {}),
    ...(i.gateRound ? { gateRound: i.gateRound } : {}),
    ...(i.shard ? { shard: i.shard } : {}),
    ...protocolFigures(scenario, outcome.finals.map((f) => f.counts.protocol)),
  };
  result.checks = sanityChecks(result, scenario.sanity);
  result.thresholds = evaluateThresholds(scenario.thresholds, result);
  return result;
}

type Counts = GeneratorOutcome['finals'][number]['counts'];

/** Generator memory per client: live memory (after a full GC) when sending ended, if every process
 * still had clients then; otherwise memory at the most clients (garbage included). */
function bytesPerClient(all: Counts[]): Result['generator']['bytesPerClient'] {
  const atEnd = all.every((c) => c.drainClients > 0);
  if (!atEnd && !all.every((c) => c.clients > 0 && c.peakClientsRssBytes > 0)) return null;
  const at = all.map((c) => (atEnd ? { clients: c.drainClients, rss: c.drainRssBytes, heap: c.drainHeapBytes } : { clients: c.clients, rss: c.peakClientsRssBytes, heap: c.peakClientsHeapBytes }));
  const clients = at.reduce((a, m) => a + m.clients, 0);
  const rss = at.reduce((a, m, i) => a + m.rss - all[i]!.baselineRssBytes, 0);
  const heap = at.reduce((a, m, i) => a + m.heap - all[i]!.baselineHeapBytes, 0);
  const when = !atEnd ? 'peak' : all.every((c) => c.drainAfterGc) ? 'end-after-gc' : 'end';
  return { rss: Math.round(rss / clients), heap: Math.round(heap / clients), clients, when };
}

function sumCounts(all: Counts[]): Counts {
  const total = { ...all[0]!, errors: {}, closes: {}, refusedByCode: {} } as Counts;
  for (const key of Object.keys(total) as (keyof Counts)[]) {
    if (typeof total[key] === 'number') (total[key] as number) = 0;
  }
  for (const c of all) {
    for (const key of Object.keys(c) as (keyof Counts)[]) {
      const v = c[key];
      if (typeof v !== 'number') continue;
      if (key === 'loopDelayP99Ms' || key === 'loopDelayMaxMs') (total[key] as number) = Math.max(total[key] as number, v);
      else (total[key] as number) += v;
    }
    for (const [k, n] of Object.entries(c.errors)) total.errors[k] = (total.errors[k] ?? 0) + n;
    for (const [k, n] of Object.entries(c.closes)) total.closes[k] = (total.closes[k] ?? 0) + n;
    for (const [k, n] of Object.entries(c.refusedByCode)) total.refusedByCode[k] = (total.refusedByCode[k] ?? 0) + n;
  }
  return total;
}

function buildSeries(outcome: GeneratorOutcome, samples: ServerSample[], hostSamples: HostSample[]): SeriesRow[] {
  const rows: SeriesRow[] = [];
  const bySec = new Map<number, ServerSample>();
  for (const s of samples) bySec.set(Math.floor((s.atUs - outcome.t0Us) / 1e6), s);
  // a host second: from the sample before it to the first sample at or after its end
  const hostAt = (sec: number) => {
    const endUs = outcome.t0Us + (sec + 1) * 1e6;
    const k = hostSamples.findIndex((h) => h.atUs >= endUs);
    return k > 0 ? hostSecond(hostSamples[k - 1]!, hostSamples[k]!) : undefined;
  };
  const secs = [...outcome.seconds.keys()].filter((s) => s >= 0).sort((a, b) => a - b);
  let prevCpu: number | null = null;
  for (const sec of secs) {
    const g = outcome.seconds.get(sec)!;
    const e2e = mergeEncoded(g.e2e);
    const s = bySec.get(sec) ?? bySec.get(sec + 1);
    const cpu = s?.cpuSeconds ?? null;
    rows.push({
      t: sec,
      connections: g.connected,
      sent: g.sent,
      acked: g.acked,
      delivered: g.delivered,
      errors: g.errors,
      e2eP50: e2e.totalCount ? e2e.getValueAtPercentile(50) / 1000 : null,
      e2eP99: e2e.totalCount ? e2e.getValueAtPercentile(99) / 1000 : null,
      serverRssBytes: s?.rssBytes ?? null,
      serverHeapBytes: s?.heapBytes ?? null,
      serverCpuPct: cpu !== null && prevCpu !== null ? round(Math.max(0, cpu - prevCpu) * 100, 1) : null,
      serverLoopDelayP99Ms: s?.loopDelayP99Ms ?? null,
      generatorCpuPct: round(g.cpuUs / 1e4, 1),
      generatorLoopDelayP99Ms: round(g.loopDelayP99Ms, 2),
      ...hostColumns(hostAt(sec)),
    });
    if (cpu !== null) prevCpu = cpu;
  }
  return rows;
}

function serverFigures(samples: ServerSample[], outcome: GeneratorOutcome, exec: Executor, delivered: number): Omit<Result['server'], 'pid'> {
  const t0Us = outcome.t0Us;
  const known = samples.filter((s) => s.rssBytes !== null);
  const peak = (key: 'rssBytes' | 'heapBytes') => {
    const vs = known.map((s) => s[key]).filter((v): v is number => v !== null);
    return vs.length ? Math.max(...vs) : null; // a server without our /metrics has no JS heap figure, not a zero one
  };
  const rampEndUs = t0Us + (exec.rampEndMs + 1000) * 1e3;
  const ramp = known.filter((s) => s.atUs >= t0Us && s.atUs <= rampEndUs && s.connections !== null);
  const cpuKnown = samples.filter((s) => s.cpuSeconds !== null);
  const cpuSeconds = cpuKnown.length >= 2 ? cpuKnown.at(-1)!.cpuSeconds! - cpuKnown[0]!.cpuSeconds! : null;
  return {
    rssBytes: peak('rssBytes'),
    heapUsedBytes: peak('heapBytes'),
    cpuSeconds: cpuSeconds === null ? null : round(cpuSeconds, 3),
    memoryPerConnection: memoryPerConnection(ramp.map((s) => ({ connections: s.connections!, rss: s.rssBytes!, heap: s.heapBytes }))),
    cpuMsPer1kDeliveries: cpuSeconds !== null && delivered > 0 ? round((cpuSeconds * 1000) / (delivered / 1000), 3) : null,
    steadyCpuMsPer1kDeliveries: steadyCpu(cpuKnown, outcome, exec),
    idleHold: idleHold(known, t0Us, exec),
  };
}

/** How late a window-edge timer may fire and its sample still mark the edge. */
const WINDOW_SLACK_MS = 250;

/** The steady window in ms from t0: a second past the ramp to just before the schedule ends. The
 * run samples its servers at exactly these edges (besides every second). */
export function steadyWindowMs(exec: Pick<Executor, 'rampEndMs' | 'durationMs'>): [number, number] {
  return [exec.rampEndMs + 1000, exec.durationMs - 100];
}

/** Server CPU per 1k deliveries over the steady seconds only: between the samples taken at the
 * steady window's edges (a second past the ramp; just before the schedule ends), against the deliveries of those
 * same instants (each generator second counted by its overlap). The server's start, the connects
 * of the ramp, the drain and the stop are left out: they vary from run to run more than the cost
 * of a delivery does. Null with fewer than 2 s between the two samples. */
function steadyCpu(cpuKnown: ServerSample[], outcome: GeneratorOutcome, exec: Executor): number | null {
  const [fromMs, toMs] = steadyWindowMs(exec);
  const from = outcome.t0Us + fromMs * 1e3;
  const to = outcome.t0Us + toMs * 1e3;
  const sorted = [...cpuKnown].sort((x, y) => x.atUs - y.atUs);
  // the first sample at or after each edge, its timer having fired a little late; without one at
  // the end edge, the last sample before it
  const a = sorted.find((s) => s.atUs >= from);
  const b = sorted.find((s) => s.atUs >= to && s.atUs <= to + WINDOW_SLACK_MS * 1e3) ?? sorted.filter((s) => s.atUs < to).at(-1);
  if (!a || !b || b.atUs - a.atUs < 2e6) return null;
  let delivered = 0;
  for (const [sec, g] of outcome.seconds) {
    const start = outcome.t0Us + sec * 1e6;
    delivered += (g.delivered * Math.max(0, Math.min(start + 1e6, b.atUs) - Math.max(start, a.atUs))) / 1e6;
  }
  return delivered > 0 ? round(((b.cpuSeconds! - a.cpuSeconds!) * 1000) / (delivered / 1000), 3) : null;
}

/** Memory per connection once the hold has settled: the median of the hold's last 5 samples
 * (or its second half, if shorter) against the first sample, taken before any connection. */
function idleHold(known: ServerSample[], t0Us: number, exec: Executor): Result['server']['idleHold'] {
  const base = known[0];
  const holdStart = t0Us + (exec.rampEndMs + 1000) * 1e3;
  const holdEnd = t0Us + exec.durationMs * 1e3;
  const hold = known.filter((s) => s.atUs >= holdStart && s.atUs <= holdEnd && s.connections !== null);
  const tail = hold.slice(-Math.max(1, Math.min(5, Math.ceil(hold.length / 2))));
  if (!base || tail.length === 0) return null;
  const heapKnown = base.heapBytes !== null && tail.every((s) => s.heapBytes !== null);
  const conns = median(tail.map((s) => s.connections!));
  if (conns < MIN_CONNECTIONS_FOR_MEMORY) return null;
  return {
    rssBytesPerConnection: Math.round((median(tail.map((s) => s.rssBytes!)) - base.rssBytes!) / conns),
    heapBytesPerConnection: heapKnown ? Math.round((median(tail.map((s) => s.heapBytes!)) - base.heapBytes!) / conns) : null,
    connections: conns,
  };
}

export const SATURATION_P99_MS = 250;

/** The first second whose e2e p99 passed SATURATION_P99_MS, with the load of that second. */
function saturationPoint(series: SeriesRow[]): Result['saturation'] {
  const row = series.find((r) => r.e2eP99 !== null && r.e2eP99 > SATURATION_P99_MS);
  return row ? { p99LimitMs: SATURATION_P99_MS, atSec: row.t, sentPerSec: row.sent, deliveredPerSec: row.delivered } : null;
}

/** Reasons to distrust the run: the generator, not the server, may have been the bottleneck. */
function saturation(outcome: GeneratorOutcome, c: Counts): string[] {
  const reasons: string[] = [];
  if (c.loopDelayP99Ms > LOOP_DELAY_SATURATED_MS) reasons.push(`generator event-loop delay p99 ${c.loopDelayP99Ms.toFixed(1)} ms > ${LOOP_DELAY_SATURATED_MS} ms`);
  const worstSecond = Math.max(0, ...[...outcome.seconds.values()].map((s) => s.loopDelayP99Ms));
  if (worstSecond > LOOP_DELAY_SATURATED_MS) reasons.push(`generator event-loop delay p99 ${worstSecond.toFixed(1)} ms > ${LOOP_DELAY_SATURATED_MS} ms in its worst second`);
  if (c.loopDelayMaxMs > LOOP_BLOCK_SATURATED_MS) reasons.push(`a generator event loop was blocked for ${c.loopDelayMaxMs.toFixed(0)} ms (> ${LOOP_BLOCK_SATURATED_MS} ms)`);
  const busy = [...outcome.seconds.values()].filter((s) => s.cpuMaxUs > CPU_SATURATED_FRACTION * 1e6).length;
  if (busy > 0) reasons.push(`a generator process used > ${CPU_SATURATED_FRACTION * 100}% of a core in ${busy} second(s)`);
  return reasons;
}

function errorSamples(parts: (Record<string, string> | undefined)[]): Pick<Result, 'errorSamples'> {
  const first: Record<string, string> = {};
  for (const p of parts) for (const [code, text] of Object.entries(p ?? {})) first[code] ??= text;
  return Object.keys(first).length ? { errorSamples: first } : {};
}

/** A marker protocol's rule and unmatched-frame counts, added over the generator processes. */
function protocolFigures(scenario: Scenario, parts: Counts['protocol'][]): Pick<Result, 'protocol'> {
  const known = parts.filter((p): p is NonNullable<Counts['protocol']> => p !== undefined);
  if (known.length === 0) return {};
  const add = (pick: (p: (typeof known)[number]) => Record<string, number>) => {
    const total: Record<string, number> = {};
    for (const p of known) for (const [k, n] of Object.entries(pick(p))) total[k] = (total[k] ?? 0) + n;
    return total;
  };
  return { protocol: { type: scenario.protocol.type, rules: add((p) => p.rules), unmatched: add((p) => p.unmatched), samples: known.flatMap((p) => p.samples).slice(0, 5) } };
}

function hostColumns(h: ReturnType<typeof hostSecond> | undefined): Partial<SeriesRow> {
  if (!h) return {};
  return { hostStealPct: h.stealPct, hostCpuSomePct: h.cpuSomePct, hostIoFullPct: h.ioFullPct, hostMemoryFullPct: h.memoryFullPct };
}

function hostFigures(series: SeriesRow[], stalled: number[]): NonNullable<Result['host']> {
  const max = (pick: (r: SeriesRow) => number | null | undefined) => {
    const vs = series.map(pick).filter((v): v is number => typeof v === 'number');
    return vs.length ? Math.max(...vs) : null;
  };
  return { maxStealPct: max((r) => r.hostStealPct), maxIoFullPct: max((r) => r.hostIoFullPct), maxMemoryFullPct: max((r) => r.hostMemoryFullPct), stalledSeconds: stalled };
}

function environment(serverCheckout: string | undefined): Result['env'] {
  const env: Result['env'] = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemBytes: totalmem(),
  };
  const here = gitCommit(packageRoot, true);
  if (here) Object.assign(env, { gitCommit: here.commit, gitCommitDate: here.date });
  // an embedded server built from another checkout (the gate's baseline or candidate)
  const server = serverCheckout ? gitCommit(serverCheckout) : undefined;
  if (server) Object.assign(env, { serverGitCommit: server.commit, serverGitCommitDate: server.date });
  return env;
}

/** HEAD's hash and committer date in a checkout, or undefined when it is not one. `ownRoot`: only
 * when dir is the checkout's top (chatbench installed under another project's node_modules is
 * not that project's commit). */
function gitCommit(dir: string, ownRoot = false): { commit: string; date: string } | undefined {
  try {
    if (ownRoot && realpathSync(execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()) !== realpathSync(dir)) return undefined;
    const [commit, date] = execFileSync('git', ['show', '-s', '--format=%H %cI', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split(' ');
    return commit && date ? { commit, date } : undefined;
  } catch {
    return undefined; // not a git checkout
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
