// Merging results: histograms added (exact), counts summed, checks evaluated on the whole.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHistogram, record, summarize } from '../results/histogram.js';
import { mergeResults } from '../results/merge.js';
import { parseResult, type Result } from '../results/schema.js';

/** A result of `n` deliveries whose e2e latencies are `from`…`from + n − 1` µs. */
function part(from: number, n: number, extra: Partial<Result> = {}): Result {
  const h = createHistogram();
  for (let i = 0; i < n; i++) record(h, from + i);
  const empty = summarize(createHistogram());
  // a real result (a short run of this checkout), as the frame the parts' figures go in
  const base = parseResult(JSON.parse(readFileSync('test/fixtures/result-v2.json', 'utf8')), 'result-v2.json');
  return {
    ...base,
    connections: { target: 10, peak: 10, failed: 0, retries: 0, reconnects: 0, resumes: 0 },
    messages: { sent: n, acked: n, refused: 0, refusedByCode: {}, abandoned: 0, unanswered: 0, delivered: n, expected: n, lost: 0, duplicated: 0, reordered: 0, recovered: 0 },
    latencyMs: { e2e: summarize(h), e2eUncorrected: summarize(h), ack: empty, connect: empty },
    errors: {},
    closes: {},
    ...extra,
  };
}

describe('mergeResults', () => {
  it('adds histograms, so percentiles are those of all deliveries together, never averages', () => {
    const fast = part(1000, 900); // 1.0–1.9 ms
    const slow = part(50_000, 100); // 50–50.1 ms
    const whole = mergeResults([fast, slow]);
    expect(whole.latencyMs.e2e.count).toBe(1000);
    // the p99 of all 1,000 is in the slow part; an average of the parts' p99s would say ≈ 26 ms
    expect(whole.latencyMs.e2e.p50).toBeLessThan(2);
    expect(whole.latencyMs.e2e.p99).toBeGreaterThan(49);
    expect(whole.messages).toMatchObject({ sent: 1000, delivered: 1000, expected: 1000, lost: 0 });
    expect(whole.connections).toMatchObject({ target: 20, peak: 20 });
    expect(mergeResults([slow, fast]).latencyMs).toEqual(whole.latencyMs); // order does not matter
  });

  it('judges the whole: a part that measured nothing fails the sanity checks of the merge', () => {
    const good = part(1000, 100);
    const silent = part(1000, 0, { messages: { ...good.messages, sent: 100, acked: 0, unanswered: 100, delivered: 0, expected: 0 } });
    const whole = mergeResults([good, silent]);
    expect(whole.messages.unanswered).toBe(100);
    expect(whole.checks.find((c) => c.name === 'sends unanswered')).toMatchObject({ ok: false });
    expect(mergeResults([part(1, 1, { errors: { A: 1 } }), part(1, 1, { errors: { A: 2, B: 1 } })]).errors).toEqual({ A: 3, B: 1 });
  });
});
