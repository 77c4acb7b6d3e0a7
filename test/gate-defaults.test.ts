// The gate's defaults come from calibration (api/gate-defaults.ts): simultaneous rounds run two
// server pairs, 20 rounds at alpha 0.02, unless the scenario's rooms cannot give a second pair
// clients of its own; sequential rounds keep 8 rounds at alpha 0.05 and one server at a time.
import { describe, expect, it } from 'vitest';
import { planGate } from '../api/gate.js';
import { pairsTheRoomsAllow } from '../api/gate-defaults.js';
import { loadScenario, parseScenario } from '../loadgen/scenario/parse.js';

const scenario = (rooms: string) => parseScenario(`name: s\nclients: 40\nrampUp: 1s\nduration: 4s\nrooms: ${rooms}\n`, 's.yaml');

describe('the gate defaults', () => {
  it('runs gate-fanout simultaneously with two server pairs, 20 rounds, alpha 0.02', () => {
    const plan = planGate({ scenario: loadScenario('scenarios/gate-fanout.yaml') });
    expect(plan).toMatchObject({ mode: 'simultaneous', rounds: 20, pairs: 2, alpha: 0.02 });
    expect(plan.looks).toMatchObject({ at: [6, 13], spreadFloor: 0.03 });
  });

  it('keeps one server at a time, 8 rounds and alpha 0.05 for sequential rounds', () => {
    const plan = planGate({ scenario: loadScenario('scenarios/gate-fanout.yaml'), mode: 'sequential' });
    expect(plan).toMatchObject({ mode: 'sequential', rounds: 8, pairs: 1, alpha: 0.05 });
  });

  it('falls back to one pair when the rooms cannot reach a second pair', () => {
    // one room: share 1 of 4 would have no clients
    expect(planGate({ scenario: scenario('{size: 40}') }).pairs).toBe(1);
    // two rooms: shares 0 and 1 of 4 get one room each
    expect(planGate({ scenario: scenario('{size: 20}') }).pairs).toBe(2);
    expect(pairsTheRoomsAllow(scenario('{count: 3}'), 4)).toBe(3);
  });

  it('takes what it is given over the defaults', () => {
    const plan = planGate({ scenario: loadScenario('scenarios/gate-fanout.yaml'), rounds: 5, pairs: 1, alpha: 0.05 });
    expect(plan).toMatchObject({ rounds: 5, pairs: 1, alpha: 0.05 });
    expect(planGate({ scenario: loadScenario('scenarios/gate-fanout.yaml'), lookSpreadFloor: 0 }).looks.spreadFloor).toBe(0);
    expect(() => planGate({ scenario: loadScenario('scenarios/gate-fanout.yaml'), lookSpreadFloor: -0.01 })).toThrow(/--look-spread-floor -1%: expected a spread from 0 to 100 %/);
  });
});
