// npm run test:reliability — the full fuzzer: on each variant, 100,000 malformed frames that must
// each get their documented error, 2,000 inputs that must each close with their documented code,
// 200 upgrades that never finish; meanwhile a normal load runs, and its e2e p99 is compared with
// the same load alone on the same server (goal: within 2×). Figures go to docs/reliability.md.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../loadgen/coordinator/run.js';
import { parseScenario } from '../../loadgen/scenario/parse.js';
import { signToken } from '../../protocol/token.js';
import { VARIANTS } from '../../server/config.js';
import { fuzzServer } from '../fuzz/drive.js';
import { PROCESS_SECRET, serve } from '../helpers/serve-process.js';

const MAX_FRAME = 64 * 1024; // the server's default --max-frame-bytes
const LOAD = 'name: beside-fuzz\nclients: 100\nrampUp: 1s\nduration: 30s\ndrain: 2s\nrooms: {size: 10}\nmessageRate: 4\n';
let users = 0;

describe.each(VARIANTS)('full fuzz of a live %s server', (variant) => {
  it('answers 100,000 malformed frames as documented while others keep their latency', async () => {
    // the server in a process of its own: the fuzzer's own work must not run on its event loop
    const s = await serve(['--variant', variant, '--auth-timeout', '2s']);
    const http = `http://127.0.0.1:${s.port}`;
    try {
      const load = () => runScenario({ scenario: parseScenario(LOAD, 'beside.yaml'), target: `ws://127.0.0.1:${s.port}/`, secret: PROCESS_SECRET, log: () => undefined });
      const alone = await load();
      const t0 = Date.now();
      const beside = load();
      const report = await fuzzServer(s.port, {
        seed: 20261129,
        errorCases: 100_000,
        closeCases: 2000,
        halfUpgrades: 200,
        maxFrameBytes: MAX_FRAME,
        upgradeDeadlineMs: 5000,
        batchPauseMs: Number(process.env.FUZZ_PAUSE_MS ?? 50),
        token: () => signToken({ sub: `fuzz${users++}` }, PROCESS_SECRET),
      });
      const fuzzSeconds = (Date.now() - t0) / 1000;
      const during = await beside;
      const ratio = during.latencyMs.e2e.p99! / alone.latencyMs.e2e.p99!;
      console.log(
        JSON.stringify({
          variant,
          frames: report.frames,
          errorCases: report.errorCases,
          closeCases: report.closeCases,
          halfUpgradesClosed: report.halfUpgradesClosed,
          fuzzSeconds,
          framesPerSec: Math.round(report.frames / fuzzSeconds),
          p99AloneMs: alone.latencyMs.e2e.p99,
          p99DuringMs: during.latencyMs.e2e.p99,
          ratio: Math.round(ratio * 100) / 100,
          lostDuring: during.messages.lost,
          byKind: report.byKind,
        }),
      );
      expect(report.mismatches).toEqual([]);
      expect(report.frames).toBeGreaterThanOrEqual(100_000);
      expect(during.messages.lost).toBe(0);
      expect(ratio).toBeLessThanOrEqual(2);
      expect((await fetch(`${http}/healthz`)).status).toBe(200);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }, 600_000);
});
