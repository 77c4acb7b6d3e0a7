// A JSON chat server of another shape than chatbench's protocol, as a subject for `protocol:
// {type: json}`: channels entered with {"op":"enter","channel":C} → {"op":"entered","channel":C};
// {"op":"post","channel":C,"text":T,"ref":R} → {"op":"event","data":{"channel":C,"text":T,"by":U}}
// to every other member and {"op":"posted","ref":R} to the poster. --frames ndjson batches what a
// member is sent within one loop turn into one frame, one JSON object per line (as Centrifugo
// does). Fault injection per delivery: --drop P, --duplicate P; GET /stats counts what they did.
//   node dist/bench/servers/json-chat.js [--port 0] [--frames single|ndjson] [--drop P] [--duplicate P] [--seed N]
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { FaultDice, flags } from './fault-dice.js';

const f = flags(process.argv.slice(2));
const ndjson = f.frames === 'ndjson';
const dice = new FaultDice(Number(f.drop ?? 0), Number(f.duplicate ?? 0), Number(f.seed ?? 1));
const channels = new Map<string, Set<Member>>();

class Member {
  private batch: string[] | undefined;
  constructor(
    readonly ws: WebSocket,
    readonly name: string,
  ) {}

  send(text: string): void {
    if (!ndjson) return this.ws.send(text);
    if (!this.batch) {
      this.batch = [];
      setImmediate(() => {
        const lines = this.batch!;
        this.batch = undefined;
        if (this.ws.readyState === this.ws.OPEN) this.ws.send(lines.join('\n'));
      });
    }
    this.batch.push(text);
  }
}

const http = createServer((req, res) => {
  if (!dice.serve(req, res)) res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const me = new Member(ws, new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? 'anonymous');
  const mine = new Set<Set<Member>>();
  ws.on('message', (data) => {
    let m: { op?: unknown; channel?: unknown; text?: unknown; ref?: unknown };
    try {
      m = JSON.parse(String(data)) as typeof m;
    } catch {
      return me.send(JSON.stringify({ op: 'problem', why: 'not JSON' }));
    }
    if (typeof m.channel !== 'string') return me.send(JSON.stringify({ op: 'problem', why: 'no channel' }));
    if (m.op === 'enter') {
      let members = channels.get(m.channel);
      if (!members) channels.set(m.channel, (members = new Set()));
      members.add(me);
      mine.add(members);
      return me.send(JSON.stringify({ op: 'entered', channel: m.channel }));
    }
    if (m.op === 'post' && typeof m.text === 'string') {
      const event = JSON.stringify({ op: 'event', data: { channel: m.channel, text: m.text, by: me.name } });
      for (const other of channels.get(m.channel) ?? []) {
        if (other === me) continue;
        const fate = dice.roll();
        if (fate === 'drop') {
          dice.counts.dropped++;
          continue;
        }
        other.send(event);
        if (fate === 'duplicate') {
          dice.counts.duplicated++;
          other.send(event);
        }
      }
      dice.counts.broadcasts++;
      me.send(JSON.stringify({ op: 'posted', ref: m.ref }));
    }
  });
  ws.on('close', () => {
    for (const members of mine) members.delete(me);
  });
});

http.listen(Number(f.port ?? 0), '127.0.0.1', () => {
  const a = http.address() as { port: number };
  console.log(`json-chat listening on http://127.0.0.1:${a.port} pid ${process.pid}`);
});
process.on('SIGTERM', () => process.exit(0));
