// Samples the server once a second from GET /metrics: RSS, JS heap (all threads), CPU, event-loop
// delay and open connections. Works for an embedded server and for any --target that serves our
// metrics; a target without them yields null samples and the result says so.
import { request } from 'node:http';
import { maxMetric, sumMetric } from './prometheus-text.js';
import { procTreeSample } from './proc-sampler.js';

export interface ServerSample {
  atUs: number;
  rssBytes: number | null;
  heapBytes: number | null;
  cpuSeconds: number | null;
  loopDelayP99Ms: number | null;
  connections: number | null;
  /** Why a server gave no /metrics figures this time, per server URL. */
  problems?: { url: string; why: string }[];
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** GET a text body with a hard deadline for the whole exchange and a size bound: a target is
 * untrusted (it may answer 101, trickle bytes, or send gigabytes) and a probe must always end. */
export function fetchText(url: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: Error | undefined, body?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(body!);
    };
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.length > MAX_BODY_BYTES) done(new Error(`${url}: answer longer than ${MAX_BODY_BYTES} bytes`));
      });
      res.on('end', () => done(res.statusCode === 200 ? undefined : new Error(`${url}: HTTP ${res.statusCode}`), body));
      res.on('error', done);
    });
    // every way an exchange can go wrong ends it here, the deadline included (events alone do not:
    // after a 101 the request emits neither 'response' nor 'error')
    const deadline = setTimeout(() => done(new Error(`${url}: no complete answer in ${timeoutMs} ms`)), timeoutMs);
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      done(new Error(`${url}: answered with a protocol upgrade`));
    });
    req.on('timeout', () => done(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', done);
    req.end();
  });
}

export interface ServerEndpoint {
  url: string; // http://host:port
  pid?: number; // local process: RSS and CPU from /proc
}

/** One server's figures: /proc for RSS and CPU when its pid is known, /metrics for the rest. */
export async function sampleServer(server: ServerEndpoint, atUs: number): Promise<ServerSample> {
  const proc = server.pid ? procTreeSample(server.pid) : undefined; // the whole tree: cluster workers, a shell wrapper
  let text = '';
  let problem: string | undefined;
  try {
    text = await fetchText(`${server.url}/metrics`);
  } catch (err) {
    problem = (err as Error).message; // a target without our /metrics: only /proc figures, if any
  }
  const lag = maxMetric(text, 'chatbench_eventloop_delay_p99_seconds');
  return {
    atUs,
    rssBytes: proc?.rssBytes ?? sumMetric(text, 'process_resident_memory_bytes') ?? null,
    heapBytes: sumMetric(text, 'chatbench_heap_used_bytes') ?? null,
    cpuSeconds: proc?.cpuSeconds ?? sumMetric(text, 'process_cpu_seconds_total') ?? null,
    loopDelayP99Ms: lag === undefined ? null : lag * 1000,
    connections: sumMetric(text, 'chatbench_connections') ?? null,
    ...(problem ? { problems: [{ url: server.url, why: problem }] } : {}),
  };
}

/** All servers of a run as one: memory, CPU and connections summed, the worst loop delay. */
export async function sampleServers(servers: ServerEndpoint[], atUs: number): Promise<ServerSample> {
  const all = await Promise.all(servers.map((s) => sampleServer(s, atUs)));
  const sum = (k: 'rssBytes' | 'heapBytes' | 'cpuSeconds' | 'connections') => (all.some((x) => x[k] === null) ? null : all.reduce((a, x) => a + x[k]!, 0));
  const lags = all.map((x) => x.loopDelayP99Ms).filter((x): x is number => x !== null);
  const problems = all.flatMap((x) => x.problems ?? []);
  return {
    atUs,
    rssBytes: sum('rssBytes'),
    heapBytes: sum('heapBytes'),
    cpuSeconds: sum('cpuSeconds'),
    connections: sum('connections'),
    loopDelayP99Ms: lags.length ? Math.max(...lags) : null,
    ...(problems.length ? { problems } : {}),
  };
}
