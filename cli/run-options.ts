// What `run` and `compare` share: the scenario shortcuts (--clients, --duration, --rate, mapped
// onto the scenario's own executor: one execution path) and live progress on stderr.
import { loadScenario } from '../loadgen/scenario/parse.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import { rateOverride } from '../loadgen/executors/registry.js';
import type { SecondAggregate } from '../loadgen/coordinator/generators.js';
import { progressLine } from '../loadgen/coordinator/summary.js';
import { parsePinMode, planPinning, type Pinning } from '../loadgen/coordinator/pinning.js';
import type { ServerCommand } from '../loadgen/coordinator/command-server.js';
import { parseDuration } from '../lib/duration.js';
import { UsageError } from './usage-error.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

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

/** --server-cmd (or a gate side's --*-cmd) and its companions as a ServerCommand. */
export function serverCommandOf(cmd: string | undefined, cwd: string | undefined, v: { 'server-path'?: string | undefined; 'ready-url'?: string | undefined; 'ready-timeout'?: string | undefined }): ServerCommand | undefined {
  if (cmd === undefined) return undefined;
  if (!cmd.trim()) throw new UsageError('the server command is empty');
  const timeout = v['ready-timeout'] ?? '30s';
  const readyTimeoutMs = parseDuration(timeout);
  if (readyTimeoutMs === undefined || readyTimeoutMs <= 0) throw new UsageError(`--ready-timeout ${timeout}: expected a duration (30s, 2m)`);
  if (cwd !== undefined && !existsSync(cwd)) throw new UsageError(`${cwd}: no such directory (the server command's working directory)`);
  return {
    cmd,
    readyTimeoutMs,
    ...(cwd !== undefined ? { cwd: resolve(cwd) } : {}),
    ...(v['server-path'] !== undefined ? { path: v['server-path'] } : {}),
    ...(v['ready-url'] !== undefined ? { readyUrl: v['ready-url'] } : {}),
  };
}
