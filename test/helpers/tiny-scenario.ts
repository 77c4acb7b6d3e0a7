// A scenario small enough to run many times in a test: 20 clients, rooms of 5, 2 s of traffic.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TINY = `name: tiny
clients: 20
rampUp: 1s
duration: 2s
drain: 2s
rooms: {size: 5}
messageRate: 10
thresholds: ["lost == 0"]
`;

/** Writes tiny.yaml to a fresh directory; `out` is a free path in it for results. */
export function tinyScenario(): { file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-tiny-'));
  writeFileSync(join(dir, 'tiny.yaml'), TINY);
  return { file: join(dir, 'tiny.yaml'), out: join(dir, 'out') };
}
