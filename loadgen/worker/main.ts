// Entry of a generator child process: takes a plan over IPC, runs it, reports back.
import { Generator } from './generator.js';
import type { FromWorker, ToWorker } from './messages.js';

let generator: Generator | undefined;

function emit(m: FromWorker): void {
  process.send!(m);
}

process.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'plan') {
      generator = new Generator(m.plan, emit);
      emit({ type: 'ready' });
    } else if (m.type === 'start') generator!.start(m.t0Us);
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
