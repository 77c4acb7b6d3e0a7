// npm run bench:systems — the reference server's three variants beside the stacks people run
// (Socket.IO, bench/servers/socketio-chat.ts; Prosody's multi-user chat over XMPP,
// bench/servers/prosody.ts), the same loads in one sitting, each server fresh, on its own core
// (CPU 1; the generator on CPU 0), measured from /proc by chatbench's generator:
//   idle:  5,000 listening clients in rooms of 10 → server RSS per connection at rest
//   fixed: 1,000 clients in rooms of 10 sending 2 msg/s each (18,000 deliveries/s) → e2e p50/p99,
//          server CPU per 1k deliveries, RSS per connection under load
//   ramp:  scenarios/fanout-ramp.yaml → the send rate at which e2e p99 passed 250 ms
// It writes every run's files and one grouped comparison report under reports/systems/<time>/.
//   node dist/bench/systems.js [--only coroutine,callback,workers,socket.io,prosody] [--no-ramp]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dist } from '../lib/paths.js';
import { VARIANTS } from '../lib/variants.js';
import { planPinning, pin } from '../loadgen/coordinator/pinning.js';
import { procSample } from '../loadgen/coordinator/probe/proc-sampler.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import { renderReport } from '../reports/html/render.js';
import type { Result } from '../results/schema.js';
import { loadAssets } from '../cli/files/report-assets.js';
import { timeStamp, writeRun } from '../cli/files/write-run.js';
import { startBenchServer, stopBenchServer } from './servers/bench-process.js';
import { PROFILES, type ProfileName } from './subject-profiles.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, 'no-ramp': { type: 'boolean', default: false } } });
const SECRET = 'systems-secret';
const SUBJECTS: { name: string; argv: string[]; protocol: ProfileName }[] = [
  ...VARIANTS.map((v) => ({ name: v, protocol: 'chatbench' as const, argv: [dist('bin/chatbench.js'), 'serve', '--variant', v, '--port', '0', '--persist', 'none', '--secret', SECRET, '--rate', '100000', '--burst', '100000', '--log-level', 'warn'] })),
  { name: 'socket.io', protocol: 'socket.io' as const, argv: [dist('bench/servers/socketio-chat.js')] },
  { name: 'prosody', protocol: 'xmpp' as const, argv: [dist('bench/servers/prosody.js')] },
].filter((s) => !values.only || values.only.split(',').includes(s.name));

const IDLE = 'clients: 5000\nrampUp: 5s\nduration: 10s\ndrain: 1s\nrooms: {size: 10}\nbehaviours: {lurker: {weight: 1}}\n';
const FIXED = 'clients: 1000\nrampUp: 2s\nduration: 20s\ndrain: 2s\nrooms: {size: 10}\nmessageRate: 2\n';
const RAMP = readFileSync(resolve('scenarios/fanout-ramp.yaml'), 'utf8').replace(/^name: .*$/m, '');

interface Figures {
  restKiB: number;
  loadKiB: number;
  cpuMsPer1k: number | null;
  p50: number | null;
  p99: number | null;
  saturationRate: number | null;
  saturatedIn: string[]; // runs whose generator flagged itself saturated
  lost: number;
}

async function main(): Promise<void> {
  const pinning = planPinning('auto');
  if (pinning) pin(process.pid, pinning.generator); // the generator processes inherit it
  const out = resolve(join('reports', 'systems', timeStamp()));
  mkdirSync(out, { recursive: true });
  const rows: { name: string; f: Figures }[] = [];
  const results: Result[] = [];
  for (const s of SUBJECTS) {
    // a fresh server process for every run: memory per connection is measured against the
    // process before its first connection, not against what an earlier run left in it
    const run = async (what: string, yaml: string) => {
      const server = await startBenchServer(s.argv, pinning?.server);
      try {
        const target = `ws://127.0.0.1:${server.port}/`;
        console.error(`${s.name}: ${what}…`);
        await new Promise((r) => setTimeout(r, 500)); // the process settles after start-up
        const rssBefore = procSample(server.pid)!.rssBytes;
        let rssHold = 0;
        const scenario = parseScenario(`name: systems-${what}\n${yaml}${PROFILES[s.protocol]}`, `${what}.yaml`);
        const holdEndSec = Math.floor((scenario.rampUp + (scenario.duration ?? 0)) / 1000) - 1;
        const r = await runScenario({ scenario, target, secret: SECRET, targetPids: [server.pid], log: () => {}, progress: (p) => void (p.sec === holdEndSec && (rssHold = procSample(server.pid)!.rssBytes)) });
        r.label = s.name;
        writeRun(r, join(out, `${s.name}-${what}`));
        return { r, perConnKiB: (rssHold - rssBefore) / Math.max(1, r.connections.peak) / 1024 };
      } finally {
        await stopBenchServer(server);
      }
    };
    {
      const idle = await run('idle', IDLE);
      const fixed = await run('fixed', FIXED);
      const ramp = values['no-ramp'] ? undefined : await run('ramp', RAMP);
      results.push(fixed.r);
      rows.push({
        name: s.name,
        f: {
          restKiB: idle.perConnKiB,
          loadKiB: fixed.perConnKiB,
          cpuMsPer1k: fixed.r.server.cpuMsPer1kDeliveries,
          p50: fixed.r.latencyMs.e2e.p50,
          p99: fixed.r.latencyMs.e2e.p99,
          saturationRate: ramp?.r.saturation?.sentPerSec ?? null,
          saturatedIn: (['idle', 'fixed', 'ramp'] as const).filter((_, k) => [idle, fixed, ramp][k]?.r.generator.saturated),
          lost: fixed.r.messages.lost,
        },
      });
    }
  }
  const report = join(out, 'report.html');
  writeFileSync(report, renderReport(results, loadAssets(), { groups: results.map((r) => ({ label: r.label!, results: [r] })) }));
  const n = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const lines = [
    `## bench:systems — the reference variants beside Socket.IO and Prosody, one sitting`,
    ``,
    `Each server fresh, --persist none for the reference variants (Socket.IO keeps nothing either; Prosody keeps each room's last 20 messages in memory, its default)${pinning ? `, on CPU ${pinning.server} (the generator on CPU ${pinning.generator})` : ''}. Fixed load: 1,000 clients in rooms of 10 sending 2 msg/s each (18,000 deliveries/s), 20 s. At rest: 5,000 listening clients. Saturation: scenarios/fanout-ramp.yaml, the send rate in the first second whose e2e p99 passed 250 ms.`,
    ``,
    `| server | CPU ms / 1k deliveries | RSS / connection at rest (KiB) | RSS / connection under load (KiB) | e2e p50 (ms) | e2e p99 (ms) | saturates at (msg/s) | lost | generator saturated in |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---|`,
    ...rows.map(({ name, f }) => `| ${name} | ${n(f.cpuMsPer1k)} | ${n(f.restKiB)} | ${n(f.loadKiB)} | ${n(f.p50)} | ${n(f.p99)} | ${values['no-ramp'] ? 'not run' : f.saturationRate === null ? 'not within the ramp' : n(f.saturationRate, 0)} | ${f.lost} | ${f.saturatedIn.join(', ') || '—'} |`),
    ``,
    'A saturation point read from a ramp whose generator flagged itself saturated may be the generator\'s: on 2 cores the generator and the server share the machine (the ramp drives up to ≈ 147k deliveries/s).',
    ``,
    `report: ${report}`,
  ];
  writeFileSync(join(out, 'summary.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
