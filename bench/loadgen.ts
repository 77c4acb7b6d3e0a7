// npm run bench:loadgen — what the generator costs, measured side by side with a plain `ws` client
// loop (bench/plain-ws-loop.ts) against the same server under the same load, in one run:
//   fan-out: generator CPU per received delivery and per sent message
//   echo:    say → ack round trips (events = sends + acks) per generator CPU-second
//   idle:    memory per simulated client
//   xmpp:    the same figures against Prosody (bench/servers/prosody.ts); --only-xmpp for just these
// The generator shares the machine's cores with the server, so its efficiency caps every
// end-to-end figure chatbench can produce here.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dist } from '../lib/paths.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { startEmbeddedServer } from '../loadgen/coordinator/server-process.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import type { Result } from '../results/schema.js';
import { childrenRunning, costOf, spent, type Cost } from './proc-cost.js';
import { startBenchServer, stopBenchServer } from './servers/bench-process.js';
import { PROFILES, type ProfileName } from './subject-profiles.js';

const exec = promisify(execFile);
const SECRET = 'bench-secret';
const HOLD_S = 10;

interface Load {
  clients: number;
  roomSize: number;
  sendersPerRoom: number;
  rate: number;
}

const FANOUT: Load = { clients: 1000, roomSize: 50, sendersPerRoom: 2, rate: 10 }; // 400 msg/s → 19.6k deliveries/s
const HEAVY: Load = { clients: 1000, roomSize: 50, sendersPerRoom: 6, rate: 10 }; // 1,200 msg/s → 58.8k deliveries/s
const ECHO: Load = { clients: 500, roomSize: 1, sendersPerRoom: 1, rate: 20 }; // 10k say/ack round trips/s
const IDLE: Load = { clients: 5000, roomSize: 10, sendersPerRoom: 0, rate: 0 };
// what Prosody (one Lua thread, ≈ 330 µs of CPU per delivery here) carries: 200 msg/s → 1,800
// deliveries/s; and the idle crowd of the other protocols, over a ramp long enough for its joins
// (≈ 20 stanzas each: ≈ 33 s of Prosody's CPU for 5,000)
const XMPP_FANOUT: Load = { clients: 500, roomSize: 10, sendersPerRoom: 1, rate: 4 };
const XMPP_IDLE: Load = IDLE;
const XMPP_RAMP_S = 50;

async function chatbench(target: string, load: Load, protocol: ProfileName = 'chatbench', rampS = 2) {
  const senders = load.sendersPerRoom / load.roomSize;
  const behaviours = senders >= 1 ? `chatty: {weight: 1, rate: ${load.rate}}` : senders > 0 ? `chatty: {weight: ${senders}, rate: ${load.rate}}\n  lurker: {weight: ${1 - senders}}` : 'lurker: {weight: 1}';
  const scenario = parseScenario(
    `name: bench\nclients: ${load.clients}\nrampUp: ${rampS}s\nconnectTimeout: 30s\nduration: ${HOLD_S + 2}s\ndrain: 2s\ngenerators: 1\nrooms: {size: ${load.roomSize}}\nbodyBytes: 64\nbehaviours:\n  ${behaviours}\n${PROFILES[protocol]}`,
    'bench.yaml',
  );
  // /proc samples of the generator processes over the same seconds as the hold rows below
  let pids: number[] = [];
  let before: Cost[] = [];
  let cost: Cost | undefined;
  const progress = (s: { sec: number }) => {
    if (s.sec === rampS) {
      pids = childrenRunning('loadgen/worker/main.js');
      before = pids.map(costOf);
    } else if (s.sec === rampS + HOLD_S && pids.length) cost = spent(before, pids.map(costOf));
  };
  const r: Result = await runScenario({ scenario, target, secret: SECRET, log: () => {}, progress });
  // the steady seconds only: after the ramp and a settling second, before the end
  const hold = r.series.filter((row) => row.t >= rampS + 1 && row.t < rampS + 1 + HOLD_S);
  const cpuS = hold.reduce((a, row) => a + row.generatorCpuPct / 100, 0);
  const sent = hold.reduce((a, row) => a + row.sent, 0);
  const delivered = hold.reduce((a, row) => a + row.delivered, 0);
  const acked = sent * (r.messages.sent ? r.messages.acked / r.messages.sent : 0);
  return { cpuS, cost, sent, delivered, acked, joined: r.connections.peak, rssPerClient: r.generator.bytesPerClient?.rss ?? NaN, heapPerClient: r.generator.bytesPerClient?.heap ?? NaN, p99: r.latencyMs.e2e.p99 ?? NaN, saturated: r.generator.saturated };
}

async function plain(url: string, load: Load) {
  const args = { url, secret: SECRET, clients: load.clients, roomSize: load.roomSize, sendersPerRoom: load.sendersPerRoom, rate: load.rate, seconds: HOLD_S, bodyBytes: 64 };
  const { stdout } = await exec(process.execPath, ['--expose-gc', dist('bench/plain-ws-loop.js'), JSON.stringify(args)], { timeout: 120_000, maxBuffer: 1 << 20 });
  const p = JSON.parse(stdout) as { cpuUs: number; cost: Cost; sent: number; delivered: number; acks: number; rssPerClient: number; heapPerClient: number; p99Ms: number };
  return { cpuS: p.cpuUs / 1e6, cost: p.cost, sent: p.sent, delivered: p.delivered, acked: p.acks, rssPerClient: p.rssPerClient, heapPerClient: p.heapPerClient, p99: p.p99Ms, saturated: false };
}

async function socketIoClients(url: string, load: Load) {
  const args = { url, clients: load.clients, roomSize: load.roomSize, sendersPerRoom: load.sendersPerRoom, rate: load.rate, seconds: HOLD_S, bodyBytes: 64 };
  const { stdout } = await exec(process.execPath, ['--expose-gc', dist('bench/socketio-client-loop.js'), JSON.stringify(args)], { timeout: 180_000, maxBuffer: 1 << 20 });
  const p = JSON.parse(stdout) as { cpuUs: number; delivered: number; rssPerClient: number; heapPerClient: number };
  return { cpuS: p.cpuUs / 1e6, delivered: p.delivered, rssPerClient: p.rssPerClient, heapPerClient: p.heapPerClient };
}

const kernelShare = (c: Cost | undefined) => (c ? (100 * c.kernelS) / (c.userS + c.kernelS) : NaN);
const readsPer = (c: Cost | undefined, n: number) => (c ? c.reads / n : NaN);

function row(label: string, a: number, b: number, digits = 0, note = ''): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
  const ratio = Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '';
  return `| ${label} | ${f(a)} | ${f(b)} | ${ratio} | ${note} |`;
}

/** A row of figures with each one's ratio to the first (chatbench's protocol). */
function protocolRow(label: string, values: number[], digits: number, note = ''): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
  return `| ${label} | ${values.map((v, i) => (i === 0 ? f(v) : `${f(v)} (${(v / values[0]!).toFixed(2)}×)`)).join(' | ')} | ${note} |`;
}

/** XMPP against Prosody, and chatbench's protocol against the reference server at the same loads
 * beside it (same ramps: the per-client figures are comparable). */
async function xmppSection(referenceUrl: string): Promise<string[]> {
  const prosody = await startBenchServer([dist('bench/servers/prosody.js')]);
  let xf, xi;
  try {
    const url = `ws://127.0.0.1:${prosody.port}/`;
    console.error('xmpp fan-out and idle: Prosody…');
    xf = await chatbench(url, XMPP_FANOUT, 'xmpp');
    xi = await chatbench(url, XMPP_IDLE, 'xmpp', XMPP_RAMP_S);
  } finally {
    await stopBenchServer(prosody);
  }
  console.error('xmpp loads: chatbench protocol…');
  const cf = await chatbench(referenceUrl, XMPP_FANOUT);
  const ci = await chatbench(referenceUrl, XMPP_IDLE, 'chatbench', XMPP_RAMP_S);
  return [
    `## XMPP against Prosody`,
    ``,
    `Fan-out: ${XMPP_FANOUT.clients} clients in rooms of ${XMPP_FANOUT.roomSize}, ${XMPP_FANOUT.sendersPerRoom} sender per room at ${XMPP_FANOUT.rate}/s, against Prosody 0.12 (bench/servers/prosody.ts); beside it chatbench's protocol against the reference server (callback) under the same loads. Idle: ${XMPP_IDLE.clients} clients in rooms of ${XMPP_IDLE.roomSize}, a ${XMPP_RAMP_S} s ramp.`,
    ``,
    `| figure | chatbench protocol | xmpp | goal |`,
    `|---|---:|---:|---|`,
    protocolRow('fan-out: generator CPU-ms per 1,000 received', [cf, xf].map((x) => (x.cpuS * 1e6) / x.delivered), 2),
    protocolRow('fan-out: deliveries measured (hold)', [cf, xf].map((x) => x.delivered), 0),
    protocolRow('idle: clients joined', [ci, xi].map((x) => x.joined), 0, `of ${XMPP_IDLE.clients}`),
    protocolRow('idle: KiB RSS per simulated client (live, after a compacting full GC)', [ci, xi].map((x) => x.rssPerClient / 1024), 2, 'xmpp ≤ 3 KiB'),
    protocolRow('idle: KiB JS heap per simulated client', [ci, xi].map((x) => x.heapPerClient / 1024), 2),
    xf.saturated ? '**chatbench flagged its generator as saturated in the xmpp measurement.**' : '',
  ];
}

async function main(): Promise<void> {
  const server = await startEmbeddedServer('callback', { secret: SECRET, persist: 'none', rate: 100_000, burst: 100_000 }, () => {});
  try {
    if (process.argv.includes('--only-xmpp')) return console.log((await xmppSection(server.wsUrl)).join('\n'));
    console.error(`server: callback variant, pid ${server.pid}; hold ${HOLD_S} s per measurement`);
    // each load on chatbench, then on the plain loop, against the same server
    const both = async (name: string, load: Load) => {
      console.error(`${name}: chatbench…`);
      const c = await chatbench(server.wsUrl, load);
      console.error(`${name}: plain ws…`);
      return [c, await plain(server.wsUrl, load)] as const;
    };
    const [cf, pf] = await both('fan-out', FANOUT);
    const [ch, ph] = await both('heavy fan-out', HEAVY);
    const [ce, pe] = await both('echo', ECHO);
    const [ci, pi] = await both('idle', IDLE);

    // other servers' protocols: the generator against the comparison subjects, and the official
    // socket.io-client, one per user, against the same Socket.IO server
    const subjects = [await startBenchServer([dist('bench/servers/json-chat.js')]), await startBenchServer([dist('bench/servers/socketio-chat.js')])];
    const [jsonUrl, sioUrl] = subjects.map((s) => `ws://127.0.0.1:${s.port}/`) as [string, string];
    let others;
    try {
      console.error('fan-out and idle: json profile…');
      const jf = await chatbench(jsonUrl, FANOUT, 'json');
      const ji = await chatbench(jsonUrl, IDLE, 'json');
      console.error('fan-out and idle: socket.io profile…');
      const sf = await chatbench(sioUrl, FANOUT, 'socket.io');
      const si = await chatbench(sioUrl, IDLE, 'socket.io');
      console.error('fan-out and idle: one socket.io-client per user…');
      const of = await socketIoClients(sioUrl, FANOUT);
      const oi = await socketIoClients(sioUrl, IDLE);
      others = { jf, ji, sf, si, of, oi };
    } finally {
      for (const s of subjects) await stopBenchServer(s);
    }

    const perCpu = (n: number, cpu: number) => n / cpu;
    const lines = [
      `## chatbench generator vs a plain ws + hdr-histogram-js client loop`,
      ``,
      `Same server (callback variant, --persist none), same load, one run. Fan-out: ${FANOUT.clients} clients in rooms of ${FANOUT.roomSize}, ${FANOUT.sendersPerRoom} senders per room at ${FANOUT.rate}/s (heavy: ${HEAVY.sendersPerRoom}). Echo: ${ECHO.clients} clients alone in their rooms sending ${ECHO.rate}/s, each answered by an ack. Idle: ${IDLE.clients} clients.`,
      ``,
      `| figure | chatbench | plain ws | ratio | goal |`,
      `|---|---:|---:|---:|---|`,
      row('fan-out: received deliveries per generator CPU-second', perCpu(cf.delivered, cf.cpuS), perCpu(pf.delivered, pf.cpuS), 0, '≥ 200,000 and ≥ 5× plain'),
      row('fan-out: generator CPU-ms per 1,000 received', (cf.cpuS * 1e6) / cf.delivered, (pf.cpuS * 1e6) / pf.delivered, 2),
      row('fan-out: generator CPU-ms per 1,000 sent', (cf.cpuS * 1e6) / cf.sent, (pf.cpuS * 1e6) / pf.sent, 2, 'includes receiving their fan-out'),
      row('fan-out: deliveries measured (hold)', cf.delivered, pf.delivered),
      row('fan-out: e2e p99 ms', cf.p99, pf.p99, 2, 'plain: from actual send time'),
      row('fan-out: share of generator CPU spent in the kernel (%)', kernelShare(cf.cost), kernelShare(pf.cost), 0, 'read path, epoll, loopback TCP'),
      row('fan-out: read syscalls per received delivery', readsPer(cf.cost, cf.delivered), readsPer(pf.cost, pf.delivered), 2),
      row('heavy fan-out (3× the senders): received deliveries per generator CPU-second', perCpu(ch.delivered, ch.cpuS), perCpu(ph.delivered, ph.cpuS), 0, 'more frames per socket read'),
      row('heavy fan-out: deliveries measured (hold)', ch.delivered, ph.delivered),
      row('heavy fan-out: share of generator CPU spent in the kernel (%)', kernelShare(ch.cost), kernelShare(ph.cost), 0),
      row('heavy fan-out: read syscalls per received delivery', readsPer(ch.cost, ch.delivered), readsPer(ph.cost, ph.delivered), 2),
      row('echo: events (sends + acks) per generator CPU-second', perCpu(ce.sent + ce.acked, ce.cpuS), perCpu(pe.sent + pe.acked, pe.cpuS), 0, '≥ 28,800 (8× Artillery 2’s ≈3,600, quoted, not measured here)'),
      row('idle: KiB RSS per simulated client (live, after a compacting full GC)', ci.rssPerClient / 1024, pi.rssPerClient / 1024, 2, '≤ 6 KiB'),
      row('idle: KiB JS heap per simulated client (live, after a compacting full GC)', ci.heapPerClient / 1024, pi.heapPerClient / 1024, 2),
      ``,
      cf.saturated || ce.saturated || ch.saturated ? '**chatbench flagged its generator as saturated in a measurement: the figures above are a floor.**' : 'chatbench did not flag its generator as saturated in any measurement.',
      ``,
      `## Other servers' protocols: the generator's cost per protocol, and one socket.io-client per user`,
      ``,
      `The fan-out and idle loads above; chatbench's protocol against the reference server (callback), \`json\` against bench/servers/json-chat.ts, \`socket.io\` and the official socket.io-client (one per user, as Artillery and Locust do it) against bench/servers/socketio-chat.ts (one node).`,
      ``,
      `| figure | chatbench protocol | json | socket.io | socket.io-client per user | goal |`,
      `|---|---:|---:|---:|---:|---|`,
      protocolRow('fan-out: generator CPU-ms per 1,000 received', [cf, others.jf, others.sf, others.of].map((x) => (x.cpuS * 1e6) / x.delivered), 2, 'json, socket.io ≤ 1.3× chatbench protocol'),
      protocolRow('fan-out: deliveries measured (hold)', [cf, others.jf, others.sf, others.of].map((x) => x.delivered), 0),
      protocolRow('idle: KiB RSS per simulated client', [ci, others.ji, others.si, others.oi].map((x) => x.rssPerClient / 1024), 2, '≤ 2.5 KiB'),
      protocolRow('idle: KiB JS heap per simulated client', [ci, others.ji, others.si, others.oi].map((x) => x.heapPerClient / 1024), 2),
      others.jf.saturated || others.sf.saturated ? '**chatbench flagged its generator as saturated in a protocol measurement.**' : '',
    ];
    console.log([...lines, '', ...(await xmppSection(server.wsUrl))].join('\n'));
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
