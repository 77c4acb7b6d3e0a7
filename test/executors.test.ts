import { describe, expect, it } from 'vitest';
import { integrateUntil, stageCrossing, stageValue } from '../loadgen/executors/executor.js';
import { createExecutor } from '../loadgen/executors/registry.js';
import { behaviourOf, countBehaviour, roomMapper } from '../loadgen/worker/population.js';
import { parseScenario } from '../loadgen/scenario/parse.js';

const scenario = (yaml: string) => parseScenario(`name: t\nrooms: {size: 10}\n${yaml}`, 't.yaml');

describe('executors', () => {
  it('constant-vus spreads connects over the ramp and sends at the per-sender rate', () => {
    const e = createExecutor(scenario('clients: 100\nrampUp: 10s\nduration: 20s\n'));
    expect([e.clients, e.durationMs, e.rampEndMs]).toEqual([100, 30_000, 10_000]);
    expect([e.connectAtMs(0), e.connectAtMs(50), e.connectAtMs(99)]).toEqual([0, 5000, 9900]);
    expect(e.leaveAtMs(3)).toBe(Infinity);
    expect(e.nextSendMs(1000, 100, 4, 1)).toBe(1250);
    expect(e.nextSendMs(1000, 100, 4, 0.5)).toBe(1125);
    expect(e.nextSendMs(1000, 100, 0, 1)).toBe(Infinity);
  });

  it('ramping-vus connects client i when the target reaches i+1 and lets it go when it falls below', () => {
    const e = createExecutor(scenario('executor:\n  type: ramping-vus\n  stages: [{duration: 10s, target: 100}, {duration: 5s, target: 100}, {duration: 10s, target: 0}]\n'));
    expect([e.clients, e.durationMs, e.rampEndMs]).toEqual([100, 25_000, 10_000]);
    expect(e.connectAtMs(0)).toBeCloseTo(100);
    expect(e.connectAtMs(49)).toBeCloseTo(5000);
    expect(e.connectAtMs(99)).toBeCloseTo(10_000);
    expect(e.leaveAtMs(99)).toBeCloseTo(15_000); // the top client leaves first
    expect(e.leaveAtMs(0)).toBeCloseTo(24_900);
    expect(stageValue([{ durationMs: 10, target: 100 }], 5)).toBe(50);
    expect(stageCrossing([{ durationMs: 10, target: 100 }], 30, true)).toBeCloseTo(3);
  });

  it('constant-arrival-rate shares the overall rate among the senders', () => {
    const e = createExecutor(scenario('executor: {type: constant-arrival-rate, rate: 200}\nclients: 50\nduration: 10s\n'));
    // 100 senders sharing 200 msg/s: each sends every 500 ms
    expect(e.nextSendMs(0, 100, 123, 1)).toBe(500);
  });

  it('ramping-arrival-rate integrates a rising rate: messages come closer together', () => {
    const e = createExecutor(scenario('executor:\n  type: ramping-arrival-rate\n  startRate: 0\n  stages: [{duration: 10s, target: 100}]\nclients: 10\nrampUp: 2s\n'));
    expect([e.durationMs, e.rampEndMs]).toEqual([12_000, 2000]);
    // one sender alone: rate r(t) = 10·(t−2s)/s after the ramp; ∫ from 2 s to t = 5·(t−2)² = 1 → t = 2 + √0.2 s
    expect(e.nextSendMs(0, 1, 0, 1)).toBeCloseTo(2000 + Math.sqrt(0.2) * 1000, 3);
    // at the top of the ramp (100/s shared by 10 senders): 10/s each
    expect(e.nextSendMs(12_000, 10, 0, 1)).toBeCloseTo(12_100, 3);
    // messages per sender over the whole ramp = ∫ rate / senders = (10 s × 100/s / 2) / 10 = 50
    let t = 2000;
    let n = 0;
    while ((t = e.nextSendMs(t, 10, 0, 1)) <= 12_000) n++;
    expect(n).toBe(50);
    expect(integrateUntil([{ durationMs: 1000, target: 0 }], 0, 0, 1, 1)).toBe(Infinity);
  });

  it('churn connects at a steady rate and keeps each client for its lifetime', () => {
    const e = createExecutor(scenario('executor: {type: churn, connectRate: 20, lifetime: 3s}\nduration: 10s\n'));
    expect([e.clients, e.durationMs]).toEqual([200, 10_000]);
    expect([e.connectAtMs(10), e.leaveAtMs(10)]).toEqual([500, 3500]);
  });
});

describe('population', () => {
  it('spreads behaviours by weight', () => {
    const b = { chatty: { weight: 0.25, waitForAck: false }, lurker: { weight: 0.75 } };
    expect(countBehaviour(b, 1000, 'chatty')).toBeGreaterThanOrEqual(249);
    expect(countBehaviour(b, 1000, 'chatty')).toBeLessThanOrEqual(251);
    expect(behaviourOf({ lurker: { weight: 1 } }, 7)).toBe('lurker');
  });

  it('maps clients to rooms by size, round robin, or zipf', () => {
    expect([0, 9, 10, 25].map(roomMapper({ size: 10 }, 100))).toEqual([0, 0, 1, 2]);
    expect([0, 1, 5, 6].map(roomMapper({ count: 5, distribution: 'uniform', exponent: 1 }, 100))).toEqual([0, 1, 0, 1]);
    const zipf = roomMapper({ count: 100, distribution: 'zipf', exponent: 1 }, 10_000);
    const sizes = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) sizes.set(zipf(i), (sizes.get(zipf(i)) ?? 0) + 1);
    // room k gets ∝ 1/(k+1): room 0 ≈ 10000/H(100) ≈ 1928, room 1 about half of that
    expect(sizes.get(0)).toBeGreaterThan(1900);
    expect(sizes.get(0)).toBeLessThan(1960);
    expect(sizes.get(1)! / sizes.get(0)!).toBeCloseTo(0.5, 1);
    expect(sizes.size).toBe(100);
  });
});
