// Drives a live server with Malformed input and checks every answer against the documented code:
// error cases on one long connection (one `error` frame each, in order), close cases each on a
// fresh connection, and upgrades that never finish. Returns what it saw; the caller asserts.
import { connect } from 'node:net';
import { Malformed } from './malformed.js';
import { RawWs } from './raw-ws.js';

export interface FuzzOptions {
  seed: number;
  errorCases: number;
  closeCases: number;
  halfUpgrades: number;
  maxFrameBytes: number;
  /** How long the server may take to drop an upgrade that never finishes. */
  upgradeDeadlineMs: number;
  token: () => string;
  /** Pause after each batch of cases (paces the fuzzer; 0 = as fast as answers come). */
  batchPauseMs?: number;
}

export interface FuzzReport {
  frames: number; // malformed frames sent
  errorCases: number;
  closeCases: number;
  halfUpgradesClosed: number;
  byKind: Record<string, number>;
  mismatches: string[]; // empty when every input got its documented answer
}

const BATCH = 200; // error cases in flight before their answers are checked

export async function fuzzServer(port: number, o: FuzzOptions): Promise<FuzzReport> {
  const gen = new Malformed(o.seed, o.maxFrameBytes);
  const report: FuzzReport = { frames: 0, errorCases: 0, closeCases: 0, halfUpgradesClosed: 0, byKind: {}, mismatches: [] };
  const count = (kind: string) => (report.byKind[kind] = (report.byKind[kind] ?? 0) + 1);
  const miss = (why: string) => report.mismatches.length < 50 && report.mismatches.push(why);

  const halfOpen = openHalfUpgrades(port, o.halfUpgrades);

  // error cases: one connection, answers in order
  let ws = await RawWs.open(port, o.token());
  await ws.waitTexts(1); // ready
  let base = ws.texts.length;
  for (let done = 0; done < o.errorCases; ) {
    const batch = Array.from({ length: Math.min(BATCH, o.errorCases - done) }, () => gen.errorCase());
    for (const c of batch) {
      for (const f of c.frames) ws.send(f.payload, f.bits);
      report.frames += c.frames.length;
      count(c.kind);
    }
    await ws.waitTexts(base + batch.length, 10_000);
    batch.forEach((c, i) => {
      const got = ws.texts[base + i];
      const code = got === undefined ? 'nothing' : ((JSON.parse(got) as { code?: string }).code ?? got.slice(0, 60));
      if (code !== c.code) miss(`${c.kind}: expected error ${c.code}, got ${code}${ws.ended ? ` (connection closed ${ws.closeCode ?? ''})` : ''}`);
    });
    done += batch.length;
    report.errorCases += batch.length;
    if (o.batchPauseMs) await new Promise((r) => setTimeout(r, o.batchPauseMs));
    if (ws.ended) {
      ws = await RawWs.open(port, o.token());
      await ws.waitTexts(1);
    }
    ws.texts.length = 0; // keep memory flat: answers are checked batch by batch
    base = 0;
  }
  ws.destroy();

  // close cases: a fresh connection each, a few at a time
  const PARALLEL = 16;
  for (let done = 0; done < o.closeCases; done += PARALLEL) {
    const cases = Array.from({ length: Math.min(PARALLEL, o.closeCases - done) }, () => gen.closeCase());
    await Promise.all(
      cases.map(async (c) => {
        count(c.kind);
        const conn = await RawWs.open(port, o.token());
        for (const f of c.frames) conn.send(f.payload, f.bits);
        report.frames += c.frames.length;
        const ended = await conn.waitEnd(5000);
        if (!ended || conn.closeCode !== c.close) miss(`${c.kind}: expected close ${c.close}, got ${ended ? (conn.closeCode ?? 'no close frame') : 'still open after 5 s'}`);
        conn.destroy();
        report.closeCases++;
      }),
    );
    if (o.batchPauseMs) await new Promise((r) => setTimeout(r, o.batchPauseMs));
  }

  report.halfUpgradesClosed = await halfOpen(o.upgradeDeadlineMs);
  if (report.halfUpgradesClosed !== o.halfUpgrades) miss(`upgrades that never finish: ${report.halfUpgradesClosed} of ${o.halfUpgrades} closed by the server within ${o.upgradeDeadlineMs} ms`);
  return report;
}

/** Sockets that send half an upgrade request and stall; resolves how many the server closed. */
function openHalfUpgrades(port: number, n: number): (deadlineMs: number) => Promise<number> {
  const started = Date.now();
  let closed = 0;
  const sockets = Array.from({ length: n }, (_, i) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    s.on('close', () => closed++);
    s.write(`GET /?token=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nX-Stall-${i}: `);
    return s;
  });
  return async (deadlineMs) => {
    while (closed < n && Date.now() - started < deadlineMs) await new Promise((r) => setTimeout(r, 100));
    const byServer = closed;
    for (const s of sockets) s.destroy();
    return byServer;
  };
}

