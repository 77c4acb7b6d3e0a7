// npm run bench:truth — what the instrument adds: chatbench and an independent minimal client
// (bench/truth-client.ts: `ws`, JSON.parse, its own clock reads and histograms) drive the same load
// against the same warm server, interleaved ABBA over rounds in one sitting, on a plain `ws`
// server and on the reference server (coroutine, --persist none); the null relay (a raw `net`
// server that only forwards frames) gives this machine's loopback floor in the same table.
// Servers run on one core and both clients on the other (when there are two).
//   node dist/bench/truth.js [--rounds 5] [--hold 20] [--clients 1000] [--room 10] [--rate 2] [--only plain,reference,relay]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { median } from '../lib/median.js';
import { dist } from '../lib/paths.js';
import { planPinning, pin } from '../loadgen/coordinator/pinning.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import { startBenchServer, stopBenchServer, type BenchServer } from './servers/bench-process.js';

const exec = promisify(execFile);
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    hold: { type: 'string', default: '20' },
    clients: { type: 'string', default: '1000' },
    room: { type: 'string', default: '10' },
    rate: { type: 'string', default: '2' },
    only: { type: 'string', default: 'plain,reference,relay' },
  },
});
const ROUNDS = Number(values.rounds);
const LOAD = { clients: Number(values.clients), roomSize: Number(values.room), rate: Number(values.rate), rampS: 2, holdS: Number(values.hold), drainS: 2, bodyBytes: 64 };
const SECRET = 'truth-secret';
const only = values.only.split(',');

interface Figures {
  p50: number;
  p99: number;
  u50: number;
  u99: number;
  delivered: number;
  /** chatbench only: its own delay, readable socket → delivery recorded (p50, ms) */
  instrument?: number | null;
  saturated?: boolean;
}

// chatbench on the null relay speaks a JSON profile: the relay forwards its frames as they are
const RELAY_PROFILE = 'protocol: {type: json, path: "/?room={room}", say: {send: {type: say, text: "{body}"}}, message: {match: {type: say}, text: text}}\n';

async function chatbench(url: string, relay = false): Promise<Figures> {
  const yaml = `name: truth\nclients: ${LOAD.clients}\nrampUp: ${LOAD.rampS}s\nduration: ${LOAD.holdS}s\ndrain: ${LOAD.drainS}s\ngenerators: 1\nrooms: {size: ${LOAD.roomSize}}\nbodyBytes: ${LOAD.bodyBytes}\nbehaviours:\n  chatty: {weight: 1, rate: ${LOAD.rate}}\n${relay ? RELAY_PROFILE : ''}`;
  const r = await runScenario({ scenario: parseScenario(yaml, 'truth.yaml'), target: url, secret: SECRET, log: () => {} });
  const e = r.latencyMs;
  return { p50: e.e2e.p50 ?? NaN, p99: e.e2e.p99 ?? NaN, u50: e.e2eUncorrected.p50 ?? NaN, u99: e.e2eUncorrected.p99 ?? NaN, delivered: r.messages.delivered, instrument: r.generator.instrumentDelayMs?.p50 ?? null, saturated: r.generator.saturated };
}

async function independent(url: string, relay: boolean): Promise<Figures> {
  const args = { url, relay, ...(relay ? {} : { secret: SECRET }), ...LOAD };
  const { stdout } = await exec(process.execPath, [dist('bench/truth-client.js'), JSON.stringify(args)], { timeout: (LOAD.rampS + LOAD.holdS + LOAD.drainS + 60) * 1000, maxBuffer: 1 << 20 });
  const o = JSON.parse(stdout) as { delivered: number; e2e: { p50: number; p99: number }; e2eUncorrected: { p50: number; p99: number } };
  return { p50: o.e2e.p50, p99: o.e2e.p99, u50: o.e2eUncorrected.p50, u99: o.e2eUncorrected.p99, delivered: o.delivered };
}

const SERVERS = [
  { key: 'plain', name: 'plain `ws` server', argv: [dist('bench/servers/plain-ws.js')] },
  { key: 'reference', name: 'reference (coroutine, --persist none)', argv: [dist('bin/chatbench.js'), 'serve', '--variant', 'coroutine', '--port', '0', '--persist', 'none', '--secret', SECRET, '--rate', '100000', '--burst', '100000', '--log-level', 'warn'] },
].filter((s) => only.includes(s.key));

const spread = (xs: number[], digits = 2) => (xs.length ? `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})` : 'n/a');

async function main(): Promise<void> {
  const pinning = planPinning('auto');
  if (pinning) pin(process.pid, pinning.generator); // the clients inherit it
  const started: BenchServer[] = [];
  try {
    const servers = [];
    for (const s of SERVERS) {
      const b = await startBenchServer(s.argv, pinning?.server);
      started.push(b);
      servers.push({ ...s, url: `ws://127.0.0.1:${b.port}/`, cb: [] as Figures[], ind: [] as Figures[] });
    }
    const relay = only.includes('relay') ? await startBenchServer([dist('bench/servers/null-relay.js')], pinning?.server) : undefined;
    if (relay) started.push(relay);
    const floor = { cb: [] as Figures[], ind: [] as Figures[] };
    console.error(`bench:truth — ${ROUNDS} rounds; ${LOAD.clients} clients in rooms of ${LOAD.roomSize}, ${LOAD.rate} msg/s each, ${LOAD.holdS} s hold${pinning ? `; servers on CPU ${pinning.server}, clients on CPU ${pinning.generator}` : ''}`);
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA: chatbench first in even rounds, the independent client first in odd ones
      for (const s of servers) {
        const order = round % 2 === 0 ? (['cb', 'ind'] as const) : (['ind', 'cb'] as const);
        for (const who of order) {
          const f = who === 'cb' ? await chatbench(s.url) : await independent(s.url, false);
          s[who].push(f);
          console.error(`round ${round + 1} ${s.key} ${who}: p50 ${f.p50.toFixed(3)} p99 ${f.p99.toFixed(3)} uncorrected p50 ${f.u50.toFixed(3)} ms, ${f.delivered} delivered${f.instrument != null ? `, instrument p50 ${f.instrument.toFixed(3)} ms` : ''}${f.saturated ? ' SATURATED' : ''}`);
        }
      }
      if (relay) {
        const url = `ws://127.0.0.1:${relay.port}/`;
        for (const who of round % 2 === 0 ? (['cb', 'ind'] as const) : (['ind', 'cb'] as const)) {
          const f = who === 'cb' ? await chatbench(url, true) : await independent(url, true);
          floor[who].push(f);
          console.error(`round ${round + 1} null relay ${who}: p50 ${f.p50.toFixed(3)} uncorrected p50 ${f.u50.toFixed(3)} ms, ${f.delivered} delivered`);
        }
      }
    }
    const lines = [
      `## bench:truth — chatbench against an independent client, ${ROUNDS} rounds (ABBA) in one sitting`,
      ``,
      `${LOAD.clients} clients in rooms of ${LOAD.roomSize}, each sending ${LOAD.rate} msg/s (${(LOAD.clients * LOAD.rate * (LOAD.roomSize - 1)).toLocaleString('en-US')} deliveries/s), ${LOAD.rampS} s ramp + ${LOAD.holdS} s hold; ms, median over rounds (min–max); difference: per round, chatbench − independent.${pinning ? ` Servers on CPU ${pinning.server}, clients on CPU ${pinning.generator}.` : ''}`,
      ``,
      `| server | figure | chatbench | independent | difference | ratio |`,
      `|---|---|---:|---:|---:|---:|`,
    ];
    const figures = [
      ['e2e p50', 'p50'],
      ['e2e p99', 'p99'],
      ['uncorrected p50', 'u50'],
      ['uncorrected p99', 'u99'],
    ] as const;
    const rows = [...servers, ...(relay ? [{ key: 'relay', name: 'null relay (loopback floor)', cb: floor.cb, ind: floor.ind }] : [])];
    for (const s of rows) {
      for (const [label, key] of figures) {
        const c = s.cb.map((f) => f[key]);
        const i = s.ind.map((f) => f[key]);
        lines.push(`| ${s.name} | ${label} | ${spread(c)} | ${spread(i)} | ${spread(c.map((v, k) => v - i[k]!))} | ${spread(c.map((v, k) => v / i[k]!))}× |`);
      }
      const inst = s.cb.map((f) => f.instrument).filter((v): v is number => typeof v === 'number');
      if (inst.length) lines.push(`| ${s.name} | chatbench's own delay p50 (in-turn wait) | ${spread(inst, 3)} | | | |`);
    }
    if (relay) {
      for (const s of servers) {
        const over = (who: 'cb' | 'ind') => s[who].map((f, k) => f.u50 - floor[who][k]!.u50);
        lines.push(`| ${s.name} | uncorrected p50 − the same client's on the null relay | ${spread(over('cb'))} | ${spread(over('ind'))} | | |`);
      }
    }
    const saturated = [...servers, floor].some((s) => s.cb.some((f) => f.saturated));
    lines.push('', saturated ? '**chatbench flagged its generator as saturated in a round: those figures are suspect.**' : 'chatbench did not flag its generator as saturated in any round.');
    console.log(lines.join('\n'));
  } finally {
    for (const s of started) await stopBenchServer(s);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
