// Entry of a generator child process: takes a plan over IPC, runs it, reports back.
import { monoUs } from '../clock.js';
import { Generator } from './generator.js';
import type { FromWorker, ToWorker } from './messages.js';

let generator: Generator | undefined;

function emit(m: FromWorker): void {
  // the coordinator may be gone (interrupted): a failed send ends this process quietly, as
  // 'disconnect' does, instead of an unhandled EPIPE
  if (process.connected) process.send!(m, undefined, undefined, (err) => err && process.exit(0));
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
      setTimeout(() => process.exit(0), 500).unref();
    }
  } catch (err) {
    emit({ type: 'fatal', message: (err as Error).stack ?? String(err) });
    process.exit(1);
  }
});
process.on('disconnect', () => process.exit(0));

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
