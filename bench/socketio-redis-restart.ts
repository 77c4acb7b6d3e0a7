// npm run bench:socketio-redis — does a Socket.IO cluster lose messages when Redis restarts? Two
// Socket.IO nodes (bench/servers/socketio-chat.ts) share rooms through Redis with the Pub/Sub
// adapter (@socket.io/redis-adapter) and then with the Streams adapter
// (@socket.io/redis-streams-adapter), whose docs say it resumes after a Redis disconnection
// "without losing any packets". The same load each time, every room spread over both nodes;
// mid-run Redis is killed (SIGKILL), stays down for a moment and comes back on the same port and
// append-only file. chatbench counts lost, duplicated and reordered deliveries, whatever they are.
//   node dist/bench/socketio-redis-restart.js [--rounds 2] [--down-ms 1000] [--signal SIGKILL|SIGTERM]
import { parseArgs } from 'node:util';
import { dist } from '../lib/paths.js';
import { startRedis } from '../loadgen/coordinator/redis-process.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import { startBenchServer, stopBenchServer } from './servers/bench-process.js';
import { PROFILES } from './subject-profiles.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, 'down-ms': { type: 'string', default: '1000' }, signal: { type: 'string', default: 'SIGKILL' } } });
const RESTART_AT_MS = 8000; // into the run: after the 2 s ramp, mid-way through the 16 s of sending
const LOAD = 'clients: 400\nrampUp: 2s\nduration: 14s\ndrain: 5s\nrooms: {size: 10}\nmessageRate: 2\nbus: redis\nsanity: {maxUnansweredShare: 1}\n';

async function once(adapter: 'pubsub' | 'streams') {
  const redis = await startRedis({ fsync: 'always' });
  const nodes = [await startBenchServer([dist('bench/servers/socketio-chat.js'), '--redis', redis.url, '--adapter', adapter]), await startBenchServer([dist('bench/servers/socketio-chat.js'), '--redis', redis.url, '--adapter', adapter])];
  try {
    const scenario = parseScenario(`name: socketio-redis-${adapter}\n${LOAD}${PROFILES['socket.io']}`, 'restart.yaml');
    let restarted: Promise<void> | undefined;
    const timer = setTimeout(() => (restarted = redis.restart({ signal: values.signal as NodeJS.Signals, downMs: Number(values['down-ms']) })), RESTART_AT_MS + 100);
    const r = await runScenario({ scenario, target: nodes.map((n) => `ws://127.0.0.1:${n.port}/`).join(','), targetPids: nodes.map((n) => n.pid), log: () => {} });
    clearTimeout(timer);
    await restarted;
    return r;
  } finally {
    for (const n of nodes) await stopBenchServer(n);
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const lines = [
    `## Socket.IO on Redis: a Redis restart mid-run (${values.signal}, down ${values['down-ms']} ms, at ${RESTART_AT_MS / 1000} s)`,
    ``,
    `2 Socket.IO nodes, 400 clients in rooms of 10 spread over both, 2 msg/s each (7,200 deliveries/s), 14 s after a 2 s ramp; Redis with appendfsync always.`,
    ``,
    `| adapter | round | sent | expected | delivered | lost | duplicated | reordered | e2e p99 (ms) | e2e max (ms) |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const adapter of round % 2 ? (['pubsub', 'streams'] as const) : (['streams', 'pubsub'] as const)) {
      console.error(`round ${round}: ${adapter} adapter…`);
      const r = await once(adapter);
      const m = r.messages;
      lines.push(`| ${adapter === 'pubsub' ? 'Pub/Sub (@socket.io/redis-adapter)' : 'Streams (@socket.io/redis-streams-adapter)'} | ${round} | ${m.sent} | ${m.expected} | ${m.delivered} | ${m.lost} | ${m.duplicated} | ${m.reordered} | ${r.latencyMs.e2e.p99 ?? 'n/a'} | ${r.latencyMs.e2e.max ?? 'n/a'} |`);
    }
  }
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
