// Entry of a generator child process: takes a plan over IPC, runs it, reports back.
import { monoUs } from '../clock.js';
import { Generator } from './generator.js';
import type { FromWorker, ToWorker } from './messages.js';

let generator: Generator | undefined;
/** Messages handed to the IPC channel and not yet written: exiting before would lose them. */
let unsent = 0;

function emit(m: FromWorker): void {
  // the coordinator may be gone (interrupted): a failed send ends this process quietly, as
  // 'disconnect' does, instead of an unhandled EPIPE
  if (!process.connected) return;
  unsent++;
  process.send!(m, undefined, undefined, (err) => {
    unsent--;
    if (err) process.exit(0);
  });
}

process.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'plan') {
      generator = new Generator(m.plan, emit);
      emit({ type: 'ready' });
    } else if (m.type === 'start') {
      generator!.start(m.t0Us);
      scheduleSelfTestBlock(m.t0Us);
    }
    else if (m.type === 'finalize') {
      generator!.finalize(m.roomMax);
      exitOnceClosed();
    }
  } catch (err) {
    emit({ type: 'fatal', message: (err as Error).stack ?? String(err) });
    process.exit(1);
  }
});
process.on('disconnect', () => process.exit(0));

/** Finalize sent the clients' close frames: exit once their sockets are closed (a few ms on a
 * healthy server), so the server sees clean closes, but never wait more than 500 ms for a server
 * that does not answer them. The coordinator waits for this exit before it stops the servers. */
function exitOnceClosed(): void {
  const deadline = Date.now() + 500;
  const poll = setInterval(() => {
    if (unsent > 0) return; // the final message first, however long the deadline
    if (Date.now() >= deadline || !process.getActiveResourcesInfo().includes('TCPSocketWrap')) process.exit(0);
  }, 5);
  poll.unref();
}

/** Self-test fault: CHATBENCH_FAULT_BLOCK_GENERATOR="AT_MS:FOR_MS" blocks this process's event
 * loop for FOR_MS at AT_MS after the start, so tests can check that late sends show up in the
 * corrected latency and not in the uncorrected one. */
function scheduleSelfTestBlock(t0Us: number): void {
  const spec = /^(\d+):(\d+)$/.exec(process.env.CHATBENCH_FAULT_BLOCK_GENERATOR ?? '');
  if (!spec) return;
  const [at, span] = [Number(spec[1]), Number(spec[2])];
  setTimeout(() => {
    const until = Date.now() + span;
    while (Date.now() < until) {
      // busy: nothing runs on this event loop meanwhile
    }
  }, Math.max(0, at - (monoUs() - t0Us) / 1000)).unref();
}
