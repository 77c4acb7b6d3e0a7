// prom-client's default process metrics (process_*, nodejs_*) but three:
// - its event-loop lag histogram runs a second monitorEventLoopDelay timer every 10 ms (≈ 9 ms of
//   CPU a second on an idle server, measured), and chatbench_eventloop_delay_p99_seconds already
//   reports the loop delay;
// - nodejs_active_handles, _requests and _resources list every handle at each scrape, three times
//   what chatbench_active_resources reports once: ≈ 1.5 µs of CPU per connection per scrape
//   (2000 connections: 7.1 → 4.2 ms a scrape, measured), and the generator scrapes every second.
// The collectors are prom-client's own modules (it has no option to leave one out); a layout
// change in prom-client fails every server start, so tests catch it.
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';

type Collector = (register: Registry, config: Record<string, unknown>) => void;

const COLLECTORS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
];

const load = createRequire(import.meta.url);

export function collectProcessMetrics(register: Registry): void {
  for (const name of COLLECTORS) (load(`prom-client/lib/metrics/${name}`) as Collector)(register, {});
}
