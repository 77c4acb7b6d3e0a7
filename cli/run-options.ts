// What `run` and `compare` share: the scenario shortcuts (--clients, --duration, --rate, mapped
// onto the scenario's own executor: one execution path) and live progress on stderr.
import { loadScenario } from '../loadgen/scenario/parse.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import { rateOverride } from '../loadgen/executors/registry.js';
import type { SecondAggregate } from '../loadgen/coordinator/generators.js';
import { progressLine } from '../loadgen/coordinator/summary.js';
import { parsePinMode, planPinning, type Pinning } from '../loadgen/coordinator/pinning.js';

export interface ScenarioShortcuts {
  clients?: string | undefined;
  duration?: string | undefined;
  rate?: string | undefined;
}

export function scenarioWithShortcuts(file: string, v: ScenarioShortcuts): Scenario {
  const overrides: Record<string, unknown> = {};
  if (v.clients !== undefined) overrides.clients = Number(v.clients);
  if (v.duration !== undefined) overrides.duration = /^\d+(\.\d+)?$/.test(v.duration) ? Number(v.duration) : v.duration;
  if (v.rate !== undefined) {
    // --rate means what the scenario's executor says (an overall rate, or each sender's)
    Object.assign(overrides, rateOverride(loadScenario(file).executor, Number(v.rate)));
  }
  return loadScenario(file, overrides);
}

/** Progress on stderr: one rewritten line on a terminal, a plain line every 5 s otherwise. */
export function stderrProgress(): { progress: (s: SecondAggregate, totalSec: number) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  return {
    progress: (s, total) => {
      if (tty) process.stderr.write(`\r${progressLine(s, total)}\x1b[K`);
      else if (s.sec - lastPrinted >= 5 || s.sec === 0) {
        lastPrinted = s.sec;
        console.error(progressLine(s, total));
      }
    },
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** --pin auto|on|off as run options (nothing when there is nothing to pin to). */
export function pinningOf(mode: string | undefined): { pinning?: Pinning } {
  const pinning = planPinning(parsePinMode(mode ?? 'off'));
  return pinning ? { pinning } : {};
}
