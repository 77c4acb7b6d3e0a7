// `npm run bench:server`: the servers side by side under the same loads, in one sitting — a floor
// (raw sockets, one framed Buffer per message for every member: what Node itself needs), a plain
// `ws` chat server, and every chatbench variant with and without persistence. Each server runs on
// its own cores (taskset; the generator on the others) and is measured from /proc:
//   fan-out (scenarios/gate-fanout.yaml): a first, cold run on the fresh process (its CPU beyond
//     the next run's is shown: start-up compilation and heap growth), then, warm, server CPU per 1k
//     deliveries, its user/kernel split, and write(2)-like calls per delivery; then the same at 3×
//     the send rate on the same process, so that the difference gives the marginal CPU of one
//     delivery, without connects, auth, metrics scrapes and timers;
//   idle (IDLE clients in rooms of 10 that only listen, held 20 s, a fresh process): RSS per
//     connection, (median of the 5 highest RSS samples − RSS before the first connection) /
//     connections held; heap per connection where the server reports it (/metrics).
// Prints one Markdown table with ratios to the floor. Both loads run in rounds (--rounds for the
// fan-out, --idle-rounds for idle), each server once a round; the floor runs before the first round
// and after every round, and a server's ratio is the median, over rounds, of its run against the
// floor runs on either side (this machine drifts by 10–20 % within minutes, and one idle run's RSS
// by as much: a sitting-wide median would not cancel it).
// With --rate 0.001 the fan-out sends (almost) nothing: CPU ms / run is then what a run's connects,
// auth, scrapes and timers cost each server, its fixed costs.
//   node dist/bench/server.js [--idle 19000] [--rounds 3] [--idle-rounds 1] [--rate R] [--only floor,coroutine,…] [--no-sqlite] [--before OTHER_CHECKOUT]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../lib/median.js';
import { dist } from '../lib/paths.js';
import { startBenchServer, stopBenchServer, type BenchServer as Started } from './servers/bench-process.js';
import { VARIANTS } from '../lib/variants.js';
import { planPinning, pin } from '../loadgen/coordinator/pinning.js';
import { procSample, procStat } from '../loadgen/coordinator/probe/proc-sampler.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { loadScenario } from '../loadgen/scenario/parse.js';
import type { Scenario } from '../loadgen/scenario/schema.js';

const { values } = parseArgs({ options: { idle: { type: 'string', default: '19000' }, only: { type: 'string' }, before: { type: 'string' }, rounds: { type: 'string', default: '3' }, 'idle-rounds': { type: 'string', default: '1' }, rate: { type: 'string' }, 'no-sqlite': { type: 'boolean', default: false } } });
const db = mkdtempSync(join(tmpdir(), 'chatbench-bench-server-'));
const serve = (variant: string, persist: 'none' | 'sqlite', entry = dist('bin/chatbench.js')) => [entry, 'serve', '--variant', variant, '--port', '0', '--persist', persist, '--db', join(db, `${variant}.db`), '--log-level', 'warn'];
const SERVERS: { name: string; argv: string[] }[] = [
  { name: 'floor', argv: [dist('bench/servers/floor.js')] },
  { name: 'plain ws', argv: [dist('bench/servers/plain-ws.js')] },
  ...VARIANTS.flatMap((v) => [
    { name: `${v}, no persistence`, argv: serve(v, 'none') },
    ...(values['no-sqlite'] ? [] : [{ name: `${v}, SQLite`, argv: serve(v, 'sqlite') }]),
    // --before DIR: the same variant from another built checkout (e.g. the commit before a change)
    ...(values.before ? [{ name: `${v}, no persistence, before`, argv: serve(v, 'none', join(values.before, 'dist', 'bin', 'chatbench.js')) }] : []),
  ]),
].filter((s) => !values.only || values.only.split(',').some((o) => s.name.startsWith(o)));

const pinning = planPinning('auto');
if (pinning) pin(process.pid, pinning.generator); // the generator processes inherit it

const writes = (pid: number) => Number(/^syscw:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
const quiet = { log: () => {} };

/** One fan-out run against a started server: its CPU (user, kernel), writes and deliveries. */
async function fanOutRun(s: Started, scenario: Scenario) {
  const before = { ...procStat(s.pid), writes: writes(s.pid) };
  const r = await runScenario({ scenario, target: `ws://127.0.0.1:${s.port}/`, ...quiet });
  const after = { ...procStat(s.pid), writes: writes(s.pid) };
  return { delivered: r.messages.delivered, lost: r.messages.lost, saturated: r.generator.saturated, userS: after.userS - before.userS, kernelS: after.kernelS - before.kernelS, writes: after.writes - before.writes };
}

/** The fan-out load, then the same at MARGINAL_RATE× the send rate, on one server process: the
 * first gives CPU per 1k deliveries with everything a run costs (connects, auth, metrics scrapes,
 * timers); the difference between the two is the marginal CPU of a delivery, fixed costs apart. */
async function fanOut(argv: string[], scenario: Scenario) {
  const s = await startBenchServer(argv, pinning?.server);
  try {
    // a fresh process first compiles its hot paths and grows its heap: a cold run costs more than
    // the same run later (≈ 300 ms of a ≈ 1.7 s run for a chatbench variant, ≈ 150 ms for the
    // floor, measured). A server runs for hours, so the figures come from warm runs, and the cold
    // run's extra is shown apart
    const cold = await fanOutRun(s, scenario);
    const low = await fanOutRun(s, scenario);
    const high = await fanOutRun(s, { ...scenario, messageRate: scenario.messageRate * MARGINAL_RATE });
    const d = low.delivered;
    const cpu = low.userS + low.kernelS;
    // too few deliveries to divide by (a --rate 0.001 run may still send one message): no figure
    const per = (x: number, n: number) => (n < MIN_DELIVERIES ? NaN : x / n);
    const marginalUs = per((high.userS + high.kernelS - cpu) * 1e6, high.delivered - d);
    return { delivered: d, lost: cold.lost + low.lost + high.lost, coldExtraMs: (cold.userS + cold.kernelS - cpu) * 1000, cpuMsPerRun: cpu * 1000, cpuMsPer1k: per(cpu * 1e6, d), marginalUs, userShare: low.userS / cpu, writesPerDelivery: per(low.writes, d), saturated: cold.saturated || low.saturated || high.saturated };
  } finally {
    await stopBenchServer(s);
  }
}

const MARGINAL_RATE = 3;
const MIN_DELIVERIES = 1000;

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;

/** A per-delivery figure, or — for a run without deliveries (--rate 0.001). */
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

async function idle(argv: string[], scenario: Scenario) {
  const s = await startBenchServer(argv, pinning?.server);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const base = procSample(s.pid)!.rssBytes;
    const rss: number[] = [];
    const sampler = setInterval(() => {
      const x = procSample(s.pid);
      if (x) rss.push(x.rssBytes);
    }, 1000);
    let r;
    try {
      r = await runScenario({ scenario, target: `ws://127.0.0.1:${s.port}/`, ...quiet });
    } finally {
      clearInterval(sampler);
    }
    const top = rss.sort((a, b) => b - a).slice(0, 5);
    const held = r.connections.peak - r.connections.failed;
    return { held, failed: r.connections.failed, rssPerConn: (top[Math.floor(top.length / 2)]! - base) / r.connections.peak, heapPerConn: r.server.idleHold?.heapBytesPerConnection ?? null };
  } finally {
    await stopBenchServer(s);
  }
}

type FanOut = Awaited<ReturnType<typeof fanOut>>;

/** The median, or NaN when a round lacks the figure (none then, rather than one of the others). */
const medianOf = (xs: number[]) => (xs.length === 0 || xs.some((x) => Number.isNaN(x)) ? NaN : median(xs));

/** Each figure's median over the rounds, and the spread of the whole-run CPU. */
function medianRound(runs: FanOut[]): FanOut & { spread: [number, number] } {
  const m = (pick: (r: FanOut) => number) => medianOf(runs.map(pick));
  const cpu = runs.map((r) => r.cpuMsPer1k);
  return {
    delivered: m((r) => r.delivered),
    lost: runs.reduce((a, r) => a + r.lost, 0),
    saturated: runs.some((r) => r.saturated),
    coldExtraMs: m((r) => r.coldExtraMs),
    cpuMsPerRun: m((r) => r.cpuMsPerRun),
    cpuMsPer1k: m((r) => r.cpuMsPer1k),
    marginalUs: m((r) => r.marginalUs),
    userShare: m((r) => r.userShare),
    writesPerDelivery: m((r) => r.writesPerDelivery),
    spread: [Math.min(...cpu), Math.max(...cpu)],
  };
}

const FIGURES = ['cpuMsPerRun', 'cpuMsPer1k', 'marginalUs'] as const;
type Figure = (typeof FIGURES)[number];
interface Ratio {
  median: number;
  min: number;
  max: number;
}

/** A server's figure against the floor's, round by round: each run divided by the mean of the two
 * floor runs that bracket its round (the machine drifts by minutes, so the floor measured next to a
 * run is a fairer yardstick than the floor's median over the whole sitting); the median of those. */
function ratioToFloor(runs: number[], floors: number[]): Ratio {
  const xs = runs.map((r, round) => r / ((floors[round]! + floors[round + 1]!) / 2));
  return { median: medianOf(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

type Server = (typeof SERVERS)[number];

/** One load in rounds, each server once a round (a fresh process each time), the floor before the
 * first round and after every one: runs by server name, floor included (rounds + 1 of them). */
async function inRounds<T>(rounds: number, load: string, measure: (s: Server) => Promise<T>, describe: (r: T) => string): Promise<Map<string, T[]>> {
  const floorServer = SERVERS.find((s) => s.name === 'floor');
  const others = SERVERS.filter((s) => s !== floorServer);
  const runs = new Map<string, T[]>(SERVERS.map((s) => [s.name, []]));
  const one = async (s: Server, label: string) => {
    const r = await measure(s);
    runs.get(s.name)!.push(r);
    console.error(`── ${load}, ${label}, ${s.name}: ${describe(r)}`);
  };
  if (floorServer) await one(floorServer, 'before round 1');
  for (let round = 1; round <= rounds; round++) {
    // each round starts one server later: no server always follows the same one (a SQLite run
    // leaves the kernel writing back its file while the next server is measured)
    const order = others.map((_, i) => others[(i + round - 1) % others.length]!);
    for (const s of order) await one(s, `round ${round}/${rounds}`);
    if (floorServer) await one(floorServer, `after round ${round}`);
  }
  return runs;
}

type Idle = Awaited<ReturnType<typeof idle>>;

/** A server's idle runs as one row: medians over rounds, the RSS spread, failures summed. */
function idleSummary(idles: Idle[]) {
  const rss = idles.map((r) => r.rssPerConn);
  const heaps = idles.map((r) => r.heapPerConn);
  return {
    held: medianOf(idles.map((r) => r.held)),
    failed: idles.reduce((a, r) => a + r.failed, 0),
    rssPerConn: medianOf(rss),
    heapPerConn: heaps.length && heaps.every((h) => h !== null) ? medianOf(heaps as number[]) : null,
    spread: [Math.min(...rss), Math.max(...rss)] as [number, number],
  };
}

async function main(): Promise<void> {
  // the 8 s runs this bench's figures (docs/performance.md) were measured with, before the gate's
  // scenario shortened its runs to fit 20 rounds in 3 minutes
  const fan = loadScenario('scenarios/gate-fanout.yaml', { rampUp: '1s', duration: '8s' });
  if (values.rate !== undefined) fan.messageRate = Number(values.rate);
  const idleScenario = loadScenario('scenarios/idle-19k.yaml', { clients: Math.max(1, Number(values.idle)), rampUp: '20s', duration: '20s' });
  const idleClients = Number(values.idle) === 0 ? 0 : idleScenario.clients; // --idle 0: the fan-out only
  const rounds = Math.max(1, Number(values.rounds));
  const idleRounds = idleClients ? Math.max(1, Number(values['idle-rounds'])) : 0;
  const fanRuns = await inRounds(rounds, 'fan-out', (s) => fanOut(s.argv, fan), (f) => `${f.cpuMsPerRun.toFixed(0)} ms CPU (cold run ${signed(f.coldExtraMs)}), ${fixed(f.cpuMsPer1k, 2)} ms / 1k deliveries, marginal ${fixed(f.marginalUs, 2)} µs (${f.delivered} delivered, lost ${f.lost})`);
  const idleRuns = idleRounds ? await inRounds(idleRounds, 'idle', (s) => idle(s.argv, idleScenario), (i) => `${(i.rssPerConn / 1024).toFixed(2)} KiB RSS / connection (${i.held} held, ${i.failed} failed)`) : undefined;
  const floorFan = fanRuns.get('floor');
  const floorIdle = idleRuns?.get('floor');
  const rows: { name: string; f: ReturnType<typeof medianRound>; i: ReturnType<typeof idleSummary>; x?: Record<Figure, Ratio>; xIdle?: Ratio }[] = [];
  for (const s of SERVERS) {
    const runs = fanRuns.get(s.name)!;
    const isFloor = s.name === 'floor';
    const pair = (floors: FanOut[], figure: Figure) => ratioToFloor(runs.map((r) => r[figure]), floors.map((r) => r[figure]));
    const x = floorFan && !isFloor ? (Object.fromEntries(FIGURES.map((f) => [f, pair(floorFan, f)])) as Record<Figure, Ratio>) : undefined;
    const idles = idleRuns?.get(s.name) ?? [];
    const i = idleSummary(idles);
    const xIdle = floorIdle && !isFloor && idles.length ? ratioToFloor(idles.map((r) => r.rssPerConn), floorIdle.map((r) => r.rssPerConn)) : undefined;
    rows.push({ name: s.name, f: medianRound(runs), i, ...(x ? { x } : {}), ...(xIdle ? { xIdle } : {}) });
  }
  const floor = rows.find((r) => r.name === 'floor');
  const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
  const paired = (r: (typeof rows)[number], figure: Figure, spread = false) => {
    if (r === floor) return Number.isFinite(r.f[figure]) ? '1.00×' : '—';
    return shown(r.x?.[figure], spread);
  };
  const shown = (x: Ratio | undefined, spread: boolean) => {
    if (!x) return '—';
    return spread && Number.isFinite(x.median) && x.min !== x.max ? `${times(x.median)} (${x.min.toFixed(2)}–${x.max.toFixed(2)})` : times(x.median);
  };
  const idleRatio = (r: (typeof rows)[number]) => (r === floor ? (Number.isFinite(r.i.rssPerConn) ? '1.00×' : '—') : shown(r.xIdle, true));
  const kib = (x: number) => fixed(x / 1024, 2);
  console.log(
    `\nbench:server — fan-out: ${fan.name} (${fan.clients} clients, rooms of 50, ${fan.messageRate} messages/s per sender), the median of ${rounds} round(s), each server once a round, the floor before the first and after every round; × floor: each run against the mean of the floor runs around its round, the median (min–max) of those; idle: ${idleClients} listening clients in ${idleRounds} round(s), the same pairing${pinning ? `; servers pinned to CPU ${pinning.server}, generator to CPU ${pinning.generator}` : ''}\n`,
  );
  console.log(`| server | cold run: extra CPU ms | CPU ms / run | × floor | CPU ms / 1k deliveries | (min–max) | × floor (min–max) | marginal µs / delivery (${MARGINAL_RATE}× rate − 1×) | × floor | user share | writes / delivery | RSS KiB / idle conn (min–max) | × floor (min–max) | heap KiB / idle conn |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const warn = r.f.lost || r.f.saturated || r.i.failed ? ' ⚠' : '';
    console.log(
      `| ${r.name}${warn} | ${signed(r.f.coldExtraMs)} | ${r.f.cpuMsPerRun.toFixed(0)} | ${paired(r, 'cpuMsPerRun')} | ${fixed(r.f.cpuMsPer1k, 2)} | ${fixed(r.f.spread[0], 1)}–${fixed(r.f.spread[1], 1)} | ${paired(r, 'cpuMsPer1k', true)} | ${fixed(r.f.marginalUs, 2)} | ${paired(r, 'marginalUs')} | ${(r.f.userShare * 100).toFixed(0)}% | ${fixed(r.f.writesPerDelivery, 2)} | ${kib(r.i.rssPerConn)}${idleRounds > 1 ? ` (${kib(r.i.spread[0])}–${kib(r.i.spread[1])})` : ''} | ${idleRatio(r)} | ${r.i.heapPerConn === null ? '—' : kib(r.i.heapPerConn)} |`,
    );
  }
  if (rows.some((r) => r.f.lost || r.f.saturated || r.i.failed)) console.log('\n⚠: messages lost, connections failed or the generator saturated in that row: its figures are suspect');
}

main().catch((err: unknown) => {
  console.error(`bench:server: ${(err as Error).message}`);
  process.exitCode = 1;
});
