// Live memory: what a process's objects hold, read after a full collection that also compacts the
// old generation. A plain full GC leaves the pages the connect burst's garbage was promoted to
// committed and mostly empty — after 5,000 XMPP joins, 25 MiB of old space held 15 MiB of live
// objects — so RSS after it said how the ramp went as much as what the clients hold, and moved
// by 2 KiB per client from run to run (docs/loadgen.md, "Generator memory per client").
import { setFlagsFromString } from 'node:v8';

// present when the process runs with --expose-gc
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Whether liveMemory can collect first (the process runs with --expose-gc). */
export const collectsGarbage = collectGarbage !== undefined;

/** Memory after a compacting full collection (without --expose-gc: as it is, garbage included).
 * It pauses the process for a full GC: call it only when no figure is being measured. */
export function liveMemory(): NodeJS.MemoryUsage {
  if (collectGarbage) {
    // V8 reads both flags at each full GC; set back, later collections keep their usual ways.
    // Without concurrent sweeping the freed pages are unmapped before gc() returns, not by a
    // background job some 100 ms later (measured: RSS 109 MB right after, 60 MB 300 ms later)
    setFlagsFromString('--compact-on-every-full-gc');
    setFlagsFromString('--no-concurrent-sweeping');
    try {
      collectGarbage();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
      setFlagsFromString('--concurrent-sweeping');
    }
  }
  return process.memoryUsage();
}
