// A rehearsal on one machine of what deploy/k8s/ does on a cluster: M `chatbench serve` processes,
// then the Indexed Job's container command (read from the manifest) once per shard, started
// STAGGER ms apart with its JOB_COMPLETION_INDEX, all aiming at one --start-at; then the merge
// Job's command. Prints each step, the merged summary and the wall time; exits with the merge's code.
//   node dist/scripts/local-shards.js SCENARIO.yaml --shards 8 --servers 6 [--stagger 1500] [--pin] [--out DIR]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { dist } from '../lib/paths.js';
import { containerCommand } from './k8s-manifest.js';
import { planPinning } from '../loadgen/coordinator/pinning.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    shards: { type: 'string', default: '4' },
    servers: { type: 'string', default: '1' },
    stagger: { type: 'string', default: '1500' },
    lead: { type: 'string', default: '20000' }, // ms from now to --start-at
    out: { type: 'string' },
    'serve-args': { type: 'string', default: '--persist none' },
    // servers on one half of the cores, shards on the other (as pods get their own cores)
    pin: { type: 'boolean', default: false },
  },
});
const scenario = positionals[0];
if (!scenario) {
  console.error('usage: local-shards SCENARIO.yaml --shards N --servers M [--stagger MS] [--lead MS] [--out DIR] [--serve-args "…"]');
  process.exit(2);
}
const shards = Number(values.shards);
const dir = resolve(values.out ?? mkdtempSync(join(tmpdir(), 'chatbench-local-shards-')));
const runId = `local-${Date.now()}`;
const t0 = Date.now();
const pinning = values.pin ? planPinning('on') : undefined;
const pinned = (cores: string | undefined, argv: string[]) => (cores ? ['taskset', '-c', cores, ...argv] : argv);
const log = (line: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);

interface Proc {
  exited: Promise<number>;
  kill: () => void;
}

function start(argv: string[], env: Record<string, string>, onLine: (line: string) => void): Proc {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  return { exited: new Promise((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : 1)))), kill: () => child.kill('SIGTERM') };
}

async function main(): Promise<number> {
  const servers: Proc[] = [];
  const ports: number[] = [];
  try {
    for (let s = 0; s < Number(values.servers); s++) {
      let found: (port: number) => void = () => {};
      const port = new Promise<number>((r) => (found = r));
      servers.push(start(pinned(pinning?.server, [process.execPath, dist('bin/chatbench.js'), 'serve', '--port', '0', ...values['serve-args']!.split(/\s+/).filter(Boolean)]), {}, (line) => {
        const m = /listening on http:\/\/[^:/]+:(\d+)/.exec(line);
        if (m) found(Number(m[1]));
      }));
      ports.push(await Promise.race([port, servers.at(-1)!.exited.then((c) => Promise.reject(new Error(`server ${s} exited with ${c}`)))]));
    }
    const target = ports.map((p) => `ws://127.0.0.1:${p}/`).join(',');
    log(`${ports.length} server(s): ${target}${pinning ? ` (servers on CPU ${pinning.server}, shards on CPU ${pinning.generator})` : ''}`);
    const startAt = new Date(Date.now() + Number(values.lead)).toISOString();
    const placeholders = { RUN_ID: runId, SHARDS: String(shards), START_AT: startAt, SCENARIO: resolve(scenario!), TARGET: target, IMAGE: 'local' };
    const running: Promise<number>[] = [];
    for (let k = 0; k < shards; k++) {
      const { argv, env } = containerCommand('deploy/k8s/shards-job.yaml', placeholders, { JOB_COMPLETION_INDEX: String(k), RESULTS_DIR: dir });
      log(`shard ${k}: ${argv.join(' ')}`);
      running.push(start(pinned(pinning?.generator, argv), env, (line) => (/^(running|warning|waiting|.*\| clients)/.test(line) ? log(`shard ${k}: ${line}`) : undefined)).exited);
      await new Promise((r) => setTimeout(r, Number(values.stagger)));
    }
    const codes = await Promise.all(running);
    log(`shards exited: ${codes.join(' ')}`);
    const merge = containerCommand('deploy/k8s/merge-job.yaml', placeholders, { RESULTS_DIR: dir });
    log(`merge: ${merge.argv.join(' ')}`);
    const code = await start(merge.argv, merge.env, (line) => console.log(line)).exited;
    log(`done: merge exited ${code}; wall time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return codes.some((c) => c !== 0 && c !== 96 && c !== 99) ? 1 : code;
  } finally {
    for (const s of servers) s.kill();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`local-shards: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
