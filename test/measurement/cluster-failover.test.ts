// scenarios/cluster-failover.yaml as shipped: 3 servers on a Redis bus, server 2 killed at 6 s,
// Redis killed and restarted at 13 s. The generator must see the drop, resume its clients on the
// other nodes from their last seq, and lose, duplicate and reorder nothing that was acked; the
// result must show the faults, the refusals while Redis was away and the bus figures.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '../../results/schema.js';
import { runCli } from '../helpers/cli.js';

const out = mkdtempSync(join(tmpdir(), 'chatbench-failover-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('cluster-failover', () => {
  it('a killed node and a restarted Redis: every client resumes, nothing acked is lost, the gaps are in the result', async () => {
    const r = await runCli(['run', 'scenarios/cluster-failover.yaml', '--out', out], { timeoutMs: 120_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')), 'result.json');
    expect(res.faults?.map((f) => [f.action, f.error])).toEqual([
      ['kill-server', undefined],
      ['restart-redis', undefined],
    ]);
    // server 2's 200 clients (i mod 3 == 2) came back on another server, and read back what they missed
    expect(res.closes['1006']).toBe(200);
    expect(res.connections.resumes).toBe(200);
    expect(res.connections.failed).toBe(0);
    expect(res.messages).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
    expect(res.messages.delivered).toBe(res.messages.expected);
    // the second without Redis: refused, said so, never counted as delivered
    expect(res.messages.refusedByCode.UNAVAILABLE).toBeGreaterThan(0);
    const bus = res.bus!;
    expect(bus.nodes.map((n) => n.reachable)).toEqual([true, true, false]);
    for (const n of bus.nodes.slice(0, 2)) {
      expect(n.disconnects).toBe(1);
      expect(n.downSec).toBeGreaterThan(0.9);
    }
    expect(bus.crossNodeShare).toBeGreaterThan(0.5);
    expect(bus.redis!.cpuSeconds).toBeGreaterThan(0);
    // the report shows the bus, every node and the faults
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-section="bus"');
    for (const n of bus.nodes) expect(html).toContain(`data-node="${n.url}"`);
    expect(html).toMatch(/6 s: kill-server http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/);
    expect(html).toContain(`Clients resumed after a drop: 200;`);
  }, 120_000);
});
