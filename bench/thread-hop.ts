// `npm run bench:thread-hop`: what one wake-up of a sleeping thread costs on this machine, the
// price the workers variant pays per cross-thread post when its threads are idle between
// messages. Measured from this process's CPU (user + system, all threads), side by side:
//   timer: one thread wakes every PERIOD_MS on a timer and does nothing;
//   post:  a worker wakes on the same timer and posts a one-message batch (the shape of the
//          workers variant's `fanout`) to a second worker, which wakes to receive it.
// post − timer is the cost of one post and the receiver's wake-up. Pinned to one CPU (as
// bench:server pins servers) and not pinned.
//   node dist/bench/thread-hop.js [--posts 2000]
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { pin } from '../loadgen/coordinator/pinning.js';

const PERIOD_MS = 5; // ≈ the gap between messages at gate-fanout's 200 messages/s

interface Job {
  role: 'timer' | 'send' | 'receive';
  count: number;
  port?: MessagePort;
}

if (!isMainThread) runWorker(workerData as Job);
else await main();

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { posts: { type: 'string', default: '2000' } } });
  const count = Number(values.posts);
  const rows: string[] = [];
  for (const pinned of [true, false]) {
    if (pinned) pin(process.pid, '0');
    const timer = await cpuPer(count, () => [start({ role: 'timer', count })]);
    const post = await cpuPer(count, () => {
      const { port1, port2 } = new MessageChannel();
      return [start({ role: 'receive', count, port: port2 }, [port2]), start({ role: 'send', count, port: port1 }, [port1])];
    });
    rows.push(`| ${pinned ? 'one CPU' : 'not pinned'} | ${timer.toFixed(1)} | ${post.toFixed(1)} | ${(post - timer).toFixed(1)} |`);
    if (pinned) pin(process.pid, `0-${availableParallelism() - 1}`);
  }
  console.log(`\nbench:thread-hop — ${count} wake-ups every ${PERIOD_MS} ms; µs of process CPU (all threads) per wake-up\n`);
  console.log('| threads | timer wake-up | timer + post + receiver wake-up | one post and its wake-up |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

function start(job: Job, transfer: MessagePort[] = []): Worker {
  return new Worker(new URL(import.meta.url), { workerData: job, transferList: transfer });
}

/** Process CPU per event while the workers `make` starts run until one of them reports done. */
async function cpuPer(count: number, make: () => Worker[]): Promise<number> {
  const workers = make();
  await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
  const before = process.cpuUsage();
  workers.forEach((w) => w.postMessage('go'));
  await new Promise((r) => workers[0]!.once('message', r)); // the timer, or the receiver
  const used = process.cpuUsage(before);
  await Promise.all(workers.map((w) => w.terminate()));
  return (used.user + used.system) / count;
}

function runWorker(job: Job): void {
  const frame = JSON.stringify({ type: 'msg', room: 'r1', from: 'u1', id: 5, seq: 1, ts: '1:2', body: 'x'.repeat(64) });
  let n = 0;
  if (job.role === 'receive') {
    job.port!.on('message', (batch: unknown[]) => {
      n += batch.length;
      if (n >= job.count) parentPort!.postMessage('done');
    });
    return;
  }
  parentPort!.once('message', () => {
    const tick = () => {
      if (job.role === 'send') job.port!.postMessage([{ t: 'fanout', room: 'r1', seq: n, frame, thread: 0, conn: 'c1' }]);
      if (++n < job.count) setTimeout(tick, PERIOD_MS);
      else if (job.role === 'timer') parentPort!.postMessage('done');
    };
    tick();
  });
}
