// `npm run bench:async-state`: what V8 keeps for one suspended async function, the part of an idle
// coroutine-variant connection that the callback variant does not hold. N waiters are built each
// way and the heap used after a full GC is divided by N, side by side in one run:
//   reader:            an object with a slot for a resolve function (what both variants could hold);
//   + pending promise: the reader after read(): a pending promise and its resolve function;
//   + async function:  an async function awaiting that promise in a loop (1 parameter, no try);
//   + try/finally:     the same with 3 parameters and try/catch/finally, the shape of the coroutine
//                      variant's run().
// The differences are V8's own objects (a generator with its register file, the function's
// promise, the await's reaction and closures), not the variant's: no code of ours can shrink them
// short of not suspending an async function per connection.
//   node --expose-gc dist/bench/async-state.js [--count 100000]
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
const N = Number(values.count);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const END = null;
type Frame = string | typeof END;

class Reader {
  waiter: ((f: Frame) => void) | undefined;
  read(): Promise<Frame> {
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

async function awaitLoop(reader: Reader): Promise<void> {
  for (let f = await reader.read(); f !== END; f = await reader.read());
}

const sink = { frames: 0, errors: 0, ends: 0 };
async function awaitLoopGuarded(reader: Reader, counts: typeof sink, label: string): Promise<void> {
  try {
    for (let f = await reader.read(); f !== END; f = await reader.read()) counts.frames += label.length;
  } catch {
    counts.errors++;
  } finally {
    counts.ends++;
  }
}

const CASES: [string, (r: Reader) => void][] = [
  ['reader', () => {}],
  ['+ pending promise', (r) => void r.read()],
  ['+ async function', (r) => void awaitLoop(r)],
  ['+ try/finally, 3 parameters', (r) => void awaitLoopGuarded(r, sink, 'c')],
];

function used(): number {
  gc!();
  gc!();
  return getHeapStatistics().used_heap_size;
}

/** Bytes per waiter of each case, in order. */
async function measure(n: number): Promise<[string, number][]> {
  const rows: [string, number][] = [];
  for (const [name, start] of CASES) rows.push([name, await perWaiter(n, start)]);
  return rows;
}

async function perWaiter(n: number, start: (r: Reader) => void): Promise<number> {
  const keep = new Array<Reader>(n);
  const before = used();
  for (let i = 0; i < n; i++) start((keep[i] = new Reader()));
  await new Promise((resolve) => setImmediate(resolve)); // every function has reached its first await
  const bytes = (used() - before) / n;
  for (const r of keep) r.waiter?.(END);
  await new Promise((resolve) => setImmediate(resolve)); // they finish before the next case is measured
  return bytes;
}

await measure(Math.ceil(N / 10)); // a first pass compiles the code and grows the heap: not counted
const rows = await measure(N);

console.log(`\nbench:async-state — ${N} waiters each way; heap used after a full GC, bytes per waiter (Node ${process.versions.node}, V8 ${process.versions.v8})\n`);
console.log('| waiter | B each | beyond the previous row |\n|---|---:|---:|');
rows.forEach(([name, bytes], i) => console.log(`| ${name} | ${bytes.toFixed(0)} | ${i ? (bytes - rows[i - 1]![1]).toFixed(0) : '—'} |`));
