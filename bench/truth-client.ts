// The independent client for `npm run bench:truth`: the minimal generator a careful engineer would
// write to check chatbench, sharing none of chatbench's measuring code — the `ws` client, one
// setTimeout chain per sender aimed at fixed intended send times, JSON.parse on every frame, its
// own clock reads (process.hrtime.bigint) and its own HDR histograms. It stamps each message with
// "INTENDED_US:ACTUAL_US" in `ts`, which a protocol-v1 server echoes and the null relay forwards
// as it came, so it measures corrected and uncorrected e2e the way chatbench does.
//   node dist/bench/truth-client.js '{"url":"ws://…","clients":1000,…}'   → one JSON line
import WebSocket from 'ws';
import * as hdr from 'hdr-histogram-js';

interface Args {
  url: string;
  secret?: string;
  relay: boolean; // the null relay: no ready/join protocol, the room in the query
  clients: number;
  roomSize: number;
  rate: number; // messages/s per client
  rampS: number;
  holdS: number;
  drainS: number;
  bodyBytes: number;
}

const a = JSON.parse(process.argv[2]!) as Args;
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
const corrected = histogram();
const uncorrected = histogram();
const counts = { joined: 0, sent: 0, delivered: 0, acks: 0, failed: 0 };
const body = 'x'.repeat(a.bodyBytes);
const t0 = nowUs() + 100_000;
const stopUs = t0 + (a.rampS + a.holdS) * 1e6;
const sockets: WebSocket[] = [];

// tokens come from chatbench's signer only to get past the reference server's auth: nothing in
// the measurement path uses chatbench code
const sign = a.secret ? (await import('../protocol/token.js')).signToken : undefined;

function user(i: number): void {
  const room = `t${Math.floor(i / a.roomSize)}`;
  const name = `t${i}`;
  const query = a.relay ? `?room=${room}` : sign ? `?token=${sign({ sub: name }, a.secret!)}` : '';
  const ws = new WebSocket(`${a.url.replace(/\/$/, '')}/${query}`, { perMessageDeflate: false });
  sockets.push(ws);
  let id = 0;
  const startSending = () => {
    counts.joined++;
    let intended = nowUs() + Math.random() * (1e6 / a.rate);
    const fire = () => {
      if (ws.readyState !== WebSocket.OPEN || intended >= stopUs) return;
      const actual = nowUs();
      // Node's timers have whole-ms granularity on a loop clock read at the turn's start, so one
      // may fire before its slot: then the message is early, not late, and its slot is its send
      const slot = Math.min(Math.round(intended), actual);
      ws.send(`{"type":"say","room":"${room}","id":${id++},"ts":"${slot}:${actual}","body":"${body}"}`);
      counts.sent++;
      intended += 1e6 / a.rate;
      setTimeout(fire, Math.max(0, (intended - nowUs()) / 1000));
    };
    setTimeout(fire, Math.max(0, (intended - nowUs()) / 1000));
  };
  ws.on('open', () => {
    if (a.relay) startSending();
  });
  ws.on('error', () => counts.failed++);
  ws.on('message', (data) => {
    const at = nowUs();
    const f = JSON.parse(String(data)) as { type: string; ts?: unknown };
    if (typeof f.ts === 'string' && (f.type === 'msg' || f.type === 'say')) {
      const colon = f.ts.indexOf(':');
      corrected.recordValue(Math.max(1, at - Number(f.ts.slice(0, colon))));
      uncorrected.recordValue(Math.max(1, at - Number(f.ts.slice(colon + 1))));
      counts.delivered++;
    } else if (f.type === 'ack') counts.acks++;
    else if (f.type === 'ready') ws.send(JSON.stringify({ type: 'join', room }));
    else if (f.type === 'joined') startSending();
  });
}

for (let i = 0; i < a.clients; i++) setTimeout(() => user(i), Math.max(0, (t0 + (a.rampS * 1e6 * i) / a.clients - nowUs()) / 1000));

const cpu0 = process.cpuUsage();
setTimeout(
  () => {
    const cpu = process.cpuUsage(cpu0);
    const ms = (h: hdr.Histogram, p: number) => (h.totalCount ? h.getValueAtPercentile(p) / 1000 : null);
    process.stdout.write(
      JSON.stringify({
        ...counts,
        cpuS: (cpu.user + cpu.system) / 1e6,
        e2e: { p50: ms(corrected, 50), p99: ms(corrected, 99) },
        e2eUncorrected: { p50: ms(uncorrected, 50), p99: ms(uncorrected, 99) },
      }) + '\n',
    );
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  },
  (stopUs + a.drainS * 1e6 - nowUs()) / 1000,
);
