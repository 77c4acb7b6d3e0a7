// Samples the server once a second from GET /metrics: RSS, JS heap (all threads), CPU, event-loop
// delay and open connections. Works for an embedded server and for any --target that serves our
// metrics; a target without them yields null samples and the result says so.
import { request } from 'node:http';
import { maxMetric, sumMetric } from './prometheus-text.js';

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

export async function sampleServer(baseUrl: string, atUs: number): Promise<ServerSample> {
  try {
    const text = await fetchText(`${baseUrl}/metrics`);
    const lag = maxMetric(text, 'chatbench_eventloop_delay_p99_seconds');
    return {
      atUs,
      rssBytes: sumMetric(text, 'process_resident_memory_bytes') ?? null,
      heapBytes: sumMetric(text, 'chatbench_heap_used_bytes') ?? null,
      cpuSeconds: sumMetric(text, 'process_cpu_seconds_total') ?? null,
      loopDelayP99Ms: lag === undefined ? null : lag * 1000,
      connections: sumMetric(text, 'chatbench_connections') ?? null,
    };
  } catch {
    return { atUs, rssBytes: null, heapBytes: null, cpuSeconds: null, loopDelayP99Ms: null, connections: null };
  }
}
