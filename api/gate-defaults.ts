// The gate's defaults, from gate:calibrate on this project's 2-core VM (docs/gate.md,
// "Calibration"): a simultaneous round's noise is mostly each server process's own (a fresh server
// runs a few per cent cheaper or dearer for its whole life), so two server pairs a round halve what
// one pair leaves, and 20 such rounds at alpha 0.02 keep a gate of gate-fanout's 4.5 s runs under
// 3 minutes. With Hochberg over the figures (ci/decide.ts) and a 3 % spread floor at the early
// looks (ci/looks.ts), the shipped gate's own sitting (docs/gate.md, sixth session) raised no false
// alarm in 20 A/A gates and caught +10 %, +5 % (measured +7.3 %) CPU per delivery and +2 ms 20 of 20.
// Sequential rounds keep what their own calibration chose.
import { createExecutor } from '../loadgen/executors/registry.js';
import { roomMapper, shardClients } from '../loadgen/worker/population.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import type { GateMode } from './gate.js';

export const GATE_DEFAULTS: Record<GateMode, { rounds: number; pairs: number; alpha: number }> = {
  simultaneous: { rounds: 20, pairs: 2, alpha: 0.02 },
  sequential: { rounds: 8, pairs: 1, alpha: 0.05 },
};

/** The most server pairs, up to `wanted`, the scenario's rooms give every pair clients to: pair j
 * of N runs share j of 2N, and rooms are dealt to shares round robin (a one-room scenario: 1). */
export function pairsTheRoomsAllow(scenario: Scenario, wanted: number): number {
  const clients = createExecutor(scenario).clients;
  const roomOf = roomMapper(scenario.rooms, clients);
  for (let n = wanted; n > 1; n--) {
    let every = true;
    for (let j = 0; j < n && every; j++) every = shardClients(clients, roomOf, { index: j, count: 2 * n }).length > 0;
    if (every) return n;
  }
  return 1;
}
