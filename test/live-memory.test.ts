// Live memory is read after a compacting collection: after a burst of garbage promoted to the old
// generation and mostly freed, a plain full GC leaves its pages committed, liveMemory gives them
// back. Run in a child process with --expose-gc, as generator processes run.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dist } from '../lib/paths.js';

const SCRIPT = `
import { getHeapSpaceStatistics } from 'node:v8';
import { liveMemory } from ${JSON.stringify(dist('lib/live-memory.js'))};
const old = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
let keep = [];
for (let i = 0; i < 400000; i++) keep.push({ a: i, b: 'x' + i, c: [i, i] });
gc(); gc();
keep = keep.filter((_, i) => i % 8 === 0); // one object in eight survives, spread over every page
gc(); gc();
await new Promise((r) => setTimeout(r, 500)); // the plain GCs' concurrent sweeping and unmapping done
const plain = old();
const plainRss = process.memoryUsage().rss;
const rss = liveMemory().rss; // read at once: no background job left to give pages back
const compacted = old();
console.log(JSON.stringify({ plain: [plain.space_size, plain.space_used_size], compacted: [compacted.space_size, compacted.space_used_size], plainRss, rss, kept: keep.length }));
`;

describe('liveMemory', () => {
  it('compacts the old generation a plain full GC leaves committed and mostly empty', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=2', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8' });
    const r = JSON.parse(out) as { plain: [number, number]; compacted: [number, number]; plainRss: number; rss: number; kept: number };
    expect(r.kept).toBe(50_000);
    // the plain GCs kept more than half again the live objects' size committed; compaction gives most back
    expect(r.plain[0]).toBeGreaterThan(1.5 * r.plain[1]);
    expect(r.compacted[0]).toBeLessThan(1.2 * r.compacted[1]);
    expect(r.compacted[0]).toBeLessThan(r.plain[0] / 1.5);
    // and the pages are back with the OS by the time liveMemory reads RSS
    expect(r.plainRss - r.rss).toBeGreaterThan(r.plain[0] - r.compacted[0] - 4 * 1024 * 1024);
  });
});
