// The seeded fuzzer's fast subset (the full run: npm run test:reliability): the codec on its own,
// then a live server of each variant, while a normal load runs beside the fuzzer and loses nothing.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../protocol/errors.js';
import { parseClientFrame } from '../../protocol/frames.js';
import { signToken } from '../../protocol/token.js';
import { runScenario } from '../../loadgen/coordinator/run.js';
import { parseScenario } from '../../loadgen/scenario/parse.js';
import { VARIANTS } from '../../server/config.js';
import { fuzzServer } from '../fuzz/drive.js';
import { Malformed } from '../fuzz/malformed.js';
import { SECRET, startTestServer } from '../helpers/server.js';

const MAX_FRAME = 16 * 1024;
let fuzzUser = 0;

describe('fuzzing the codec', () => {
  it('answers 10,000 malformed texts with a ProtocolError of a documented code, never anything else', () => {
    const gen = new Malformed(1, MAX_FRAME);
    for (let i = 0; i < 10_000; i++) {
      const c = gen.errorCase();
      const text = Buffer.concat(c.frames.map((f) => f.payload)).toString('utf8');
      if (c.kind === 'binary frame') continue;
      let thrown: unknown;
      try {
        parseClientFrame(text);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, c.kind).toBeInstanceOf(ProtocolError);
      expect((thrown as ProtocolError).code).toBe(c.code);
    }
  });
});

describe.each(VARIANTS)('fuzzing a live %s server', (variant) => {
  it('answers every malformed input with its documented error or close code, stays up, and others lose nothing', async () => {
    const t = await startTestServer(variant, { maxFrameBytes: MAX_FRAME, authTimeoutMs: 1000 });
    try {
      const scenario = parseScenario('name: beside-fuzz\nclients: 20\nrampUp: 500ms\nduration: 4s\ndrain: 2s\nrooms: {size: 5}\nmessageRate: 5\n', 'beside.yaml');
      const load = runScenario({ scenario, target: t.ws, secret: SECRET, log: () => undefined });
      const report = await fuzzServer(t.server.port, {
        seed: 42,
        errorCases: 3000,
        closeCases: 150,
        halfUpgrades: 20,
        maxFrameBytes: MAX_FRAME,
        upgradeDeadlineMs: 4000,
        token: () => signToken({ sub: `fuzz${fuzzUser++}` }, SECRET),
      });
      expect(report.mismatches).toEqual([]);
      expect(report.frames).toBeGreaterThan(3150);
      expect(report.halfUpgradesClosed).toBe(20);
      const r = await load;
      expect(r.messages.lost).toBe(0);
      expect(r.messages.delivered).toBe(r.messages.expected);
      expect(r.checks.filter((c) => !c.ok)).toEqual([]);
      expect((await fetch(`${t.http}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
