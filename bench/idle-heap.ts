// `npm run bench:idle-heap`: where an idle connection's JS heap goes. Starts a variant in this
// process (--persist none), takes a heap snapshot, connects N authenticated clients that join rooms
// of 10 from a child process, takes another after a full GC, and prints the difference by
// constructor (self sizes per connection). JIT code shows up as `code`: a one-off, not per
// connection.
//   node --expose-gc dist/bench/idle-heap.js [--variant callback] [--clients 2000]
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import WebSocket from 'ws';
import { makeConfig, type VariantName } from '../server/config.js';
import { startServer } from '../server/variants/index.js';
import { DEV_SECRET, signToken } from '../protocol/token.js';

const { values } = parseArgs({ options: { variant: { type: 'string', default: 'callback' }, clients: { type: 'string', default: '2000' }, child: { type: 'string' } } });

if (values.child) await clients(Number(values.child), Number(values.clients));
else await main();

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const n = Number(values.clients);
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-heap-'));
  const server = await startServer(makeConfig({ variant: values.variant as VariantName, port: 0, persist: 'none', logLevel: 'silent' }));
  try {
    gc();
    const before = bySelfSize(v8.writeHeapSnapshot(join(dir, 'before.heapsnapshot')));
    const child = fork(process.argv[1]!, ['--child', String(server.port), '--clients', String(n)]);
    await new Promise((resolve) => child.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    gc();
    const after = bySelfSize(v8.writeHeapSnapshot(join(dir, 'after.heapsnapshot')));
    child.kill();
    const rows = [...after].map(([name, [count, size]]) => ({ name, count: count - (before.get(name)?.[0] ?? 0), size: size - (before.get(name)?.[1] ?? 0) })).filter((r) => r.size > 0);
    rows.sort((a, b) => b.size - a.size);
    const total = rows.reduce((s, r) => s + r.size, 0);
    console.log(`${values.variant}: ${(total / n).toFixed(0)} B of heap per idle connection (self sizes, ${n} connections, JIT code included)\n`);
    console.log('| B / connection | objects / connection | constructor or kind |\n|---:|---:|---|');
    for (const r of rows.slice(0, 25)) console.log(`| ${(r.size / n).toFixed(0)} | ${(r.count / n).toFixed(2)} | ${r.name} |`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Self size and count by constructor name (objects) or by kind (everything else). */
function bySelfSize(file: string): Map<string, [number, number]> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + iType]!]!;
    const name = type === 'object' || type === 'native' || type === 'synthetic' ? snap.strings[snap.nodes[i + iName]!]! : type;
    const e = out.get(name) ?? [0, 0];
    e[0]++;
    e[1] += snap.nodes[i + iSize]!;
    out.set(name, e);
  }
  return out;
}

/** The child: n clients with upgrade tokens, each joined to a room of 10, then idle. */
async function clients(port: number, n: number): Promise<void> {
  const open: WebSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, (_, k) => {
        const u = i + k;
        return new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { authorization: `Bearer ${signToken({ sub: `u${u}` }, DEV_SECRET)}` } });
          open.push(ws);
          ws.on('error', reject);
          ws.on('message', (d) => {
            const f = JSON.parse(d.toString()) as { type: string };
            if (f.type === 'ready') ws.send(JSON.stringify({ type: 'join', room: `r${Math.floor(u / 10)}` }));
            if (f.type === 'joined') resolve();
          });
        });
      }),
    );
  }
  process.send!('ready');
  setInterval(() => {}, 60_000);
}
