// Samples the server once a second from GET /metrics: RSS, JS heap (all threads), CPU, event-loop
// delay and open connections. Works for an embedded server and for any --target that serves our
// metrics; a target without them yields null samples and the result says so.
import { request } from 'node:http';
import { maxMetric, sumMetric } from './prometheus-text.js';
import { procSample } from './proc-sampler.js';

export interface ServerSample {
  atUs: number;
  rssBytes: number | null;
  heapBytes: number | null;
  cpuSeconds: number | null;
  loopDelayP99Ms: number | null;
  connections: number | null;
}

export function fetchText(url: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface ServerEndpoint {
  url: string; // http://host:port
  pid?: number; // local process: RSS and CPU from /proc
}

/** One server's figures: /proc for RSS and CPU when its pid is known, /metrics for the rest. */
export async function sampleServer(server: ServerEndpoint, atUs: number): Promise<ServerSample> {
  const proc = server.pid ? procSample(server.pid) : undefined;
  let text = '';
  try {
    text = await fetchText(`${server.url}/metrics`);
  } catch {
    // a target without our /metrics: only /proc figures, if any
  }
  const lag = maxMetric(text, 'chatbench_eventloop_delay_p99_seconds');
  return {
    atUs,
    rssBytes: proc?.rssBytes ?? sumMetric(text, 'process_resident_memory_bytes') ?? null,
    heapBytes: sumMetric(text, 'chatbench_heap_used_bytes') ?? null,
    cpuSeconds: proc?.cpuSeconds ?? sumMetric(text, 'process_cpu_seconds_total') ?? null,
    loopDelayP99Ms: lag === undefined ? null : lag * 1000,
    connections: sumMetric(text, 'chatbench_connections') ?? null,
  };
}

/** All servers of a run as one: memory, CPU and connections summed, the worst loop delay. */
export async function sampleServers(servers: ServerEndpoint[], atUs: number): Promise<ServerSample> {
  const all = await Promise.all(servers.map((s) => sampleServer(s, atUs)));
  const sum = (k: 'rssBytes' | 'heapBytes' | 'cpuSeconds' | 'connections') => (all.some((x) => x[k] === null) ? null : all.reduce((a, x) => a + x[k]!, 0));
  const lags = all.map((x) => x.loopDelayP99Ms).filter((x): x is number => x !== null);
  return { atUs, rssBytes: sum('rssBytes'), heapBytes: sum('heapBytes'), cpuSeconds: sum('cpuSeconds'), connections: sum('connections'), loopDelayP99Ms: lags.length ? Math.max(...lags) : null };
}
