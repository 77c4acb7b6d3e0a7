// --inject-cpu-us must cost what it says, or a calibration's "+5 %" is something else: the CPU
// time (not wall time: a preemption delays the burn but must not shorten it) of many small burns,
// as deliveries make them, against what was asked. Loose bounds: a shared machine's CPU time per
// unit of work moves too; an injector that burns half of what it is asked fails.
import { describe, expect, it } from 'vitest';
import { burnCpuUs } from '../server/core/cpu-burn.js';

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

describe('the CPU burner of --inject-cpu-us', () => {
  it('burns about the CPU time asked for, in small pieces as deliveries ask for it', () => {
    burnCpuUs(1); // sizes itself once, as the server's first delivery does
    const ratios: number[] = [];
    for (let trial = 0; trial < 3; trial++) {
      const before = cpuUs();
      for (let i = 0; i < 400; i++) burnCpuUs(50); // 400 deliveries of 50 µs: 20 ms
      ratios.push((cpuUs() - before) / 20_000);
    }
    const best = Math.min(...ratios.map((r) => Math.abs(r - 1)));
    expect(best, `CPU used / asked: ${ratios.map((r) => r.toFixed(2)).join(', ')}`).toBeLessThan(0.3);
  });
});
