// A start line for runs that must measure the same seconds (the gate's simultaneous rounds): each
// run arrives when its server and generators are ready; when all have, they share one start
// instant a little ahead, so their schedules begin together. A run that fails before arriving
// releases the others with its error instead of leaving them waiting.

/** Time from the last arrival to the common start: enough for every run to hear of it. */
const LEAD_MS = 200;

export interface StartLine {
  /** Resolves to the common start instant (epoch ms) once every runner has arrived. */
  arrive(): Promise<number>;
  /** A runner failed: everyone waiting, or arriving later, gets this error. */
  fail(err: unknown): void;
}

export function startLine(runners: number): StartLine {
  let arrived = 0;
  let failed: unknown;
  const waiting: { resolve: (at: number) => void; reject: (err: unknown) => void }[] = [];
  return {
    arrive() {
      if (failed !== undefined) return Promise.reject(failed instanceof Error ? failed : new Error(String(failed)));
      return new Promise<number>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (++arrived === runners) {
          const at = Date.now() + LEAD_MS;
          for (const w of waiting.splice(0)) w.resolve(at);
        }
      });
    },
    fail(err) {
      if (failed !== undefined) return;
      failed = err ?? new Error('a partner run failed');
      const e = failed instanceof Error ? failed : new Error(String(failed));
      for (const w of waiting.splice(0)) w.reject(new Error(`the partner run failed: ${e.message}`));
    },
  };
}
