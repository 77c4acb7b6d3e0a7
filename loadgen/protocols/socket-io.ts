// `protocol: { type: socket.io }`: a Socket.IO v4 server (Engine.IO v4 over WebSocket only, Socket.IO
// packet format v5), spoken by the lean client without socket.io-client:
//   Engine.IO: 0{open} from the server; 2 ping → 3 pong (the server pings, within pingTimeout);
//              4 message (a Socket.IO packet); 1 close; 6 noop.
//   Socket.IO: 0 CONNECT ("40/ns,{auth}"), 1 DISCONNECT, 2 EVENT ("42/ns,ID[name,…]"),
//              3 ACK ("43/ns,ID[…]"), 4 CONNECT_ERROR ("44/ns,{message}").
// A namespace other than "/" is written before a comma; an ack id, digits, before the payload.
import { z } from 'zod';
import { defineProtocol, type Codec, type CodecSink } from './protocol.js';
import { at, compileJson, compileString, splitPath } from './template.js';
import { templateProblems } from './json.js';

const emit = z
  .array(z.unknown())
  .min(1, 'expected [event name, argument…]')
  .refine((a) => typeof a[0] === 'string', 'expected the event name first: [name, argument…]');
const SocketIoProtocol = z
  .object({
    type: z.literal('socket.io'),
    path: z.string().regex(/^\//, 'expected a path starting with "/", e.g. "/socket.io/"').default('/socket.io/').describe('the Engine.IO path; EIO=4&transport=websocket are added to its query'),
    namespace: z.string().regex(/^\//, 'expected a namespace starting with "/"').default('/'),
    auth: z.record(z.string(), z.unknown()).optional().describe('the CONNECT payload (handshake.auth on the server); string values are templates'),
    join: z.object({ emit, ack: z.boolean().default(false).describe("joined when the server acknowledges (else once sent)") }).strict().optional(),
    say: z.object({ emit, ack: z.boolean().default(false).describe("the server's acknowledgement is the message's answer") }).strict(),
    message: z
      .object({
        event: z.string().min(1).describe('the event whose arguments carry chat messages'),
        text: z.string().regex(/^[^.]+(\.[^.]+)*$/, 'expected a dotted path into the argument array, like "0.text"'),
      })
      .strict(),
  })
  .strict();
type SocketIoSpec = z.output<typeof SocketIoProtocol>;

function problems(spec: SocketIoSpec): string[] {
  const out = templateProblems(spec as unknown as Record<string, unknown>);
  if (!JSON.stringify(spec.say.emit).includes('{body}')) out.push('protocol.say.emit: expected "{body}" in an argument (where the message text goes)');
  return out;
}

// phases of a connection, kept on the user
const WAIT_OPEN = 0;
const CONNECTING = 1;
const CONNECTED = 2;
const JOIN_ACK_ID = 0; // own messages use ack ids from 1 (id + 1)

function codec(spec: SocketIoSpec): Codec {
  const sep = spec.path.includes('?') ? '&' : '?';
  const path = compileString(`${spec.path}${sep}EIO=4&transport=websocket`);
  const ns = spec.namespace === '/' ? '' : `${spec.namespace},`;
  const auth = spec.auth ? compileJson(spec.auth) : undefined;
  const join = spec.join ? compileJson(spec.join.emit) : undefined;
  const say = compileJson(spec.say.emit);
  // the path counts arguments from 0 after the event name, which is element 0 of the packet's array
  const textPath = splitPath(spec.message.text).map((k, i) => (i === 0 && /^\d+$/.test(k) ? String(Number(k) + 1) : k));
  const rules = ['message.event', ...(spec.join?.ack ? ['join.ack'] : []), ...(spec.say.ack ? ['say.ack'] : [])];

  const connected = (u: CodecSink) => {
    u.phase = CONNECTED;
    if (!join) return u.joinedRoom();
    u.write(`42${ns}${spec.join!.ack ? JOIN_ACK_ID : ''}${join(u)}`);
    if (!spec.join!.ack) u.joinedRoom();
  };

  /** A Socket.IO packet (the text after Engine.IO's "4"). */
  const packet = (text: string, u: CodecSink) => {
    const type = text.charCodeAt(1) - 48;
    let i = 2;
    if (text[i] === '/') {
      const comma = text.indexOf(',', i);
      const name = comma < 0 ? text.slice(i) : text.slice(i, comma);
      if (name !== spec.namespace) return u.unmatched(`packet for namespace ${name.slice(0, 40)}`, text);
      i = comma < 0 ? text.length : comma + 1;
    } else if (spec.namespace !== '/') return u.unmatched('packet for namespace /', text);
    let id = -1;
    for (let c = text.charCodeAt(i) - 48; c >= 0 && c <= 9; c = text.charCodeAt(++i) - 48) id = (id < 0 ? 0 : id * 10) + c;
    let data: unknown;
    if (i < text.length) {
      try {
        data = JSON.parse(text.slice(i));
      } catch {
        return u.unmatched('Socket.IO packet with unparsable JSON', text);
      }
    }
    switch (type) {
      case 0:
        return u.phase === CONNECTING ? connected(u) : u.unmatched('CONNECT when already connected', text);
      case 1:
        return u.refuse('CONNECT_SOCKETIO_DISCONNECT', 'the server disconnected the namespace');
      case 2: {
        const args = Array.isArray(data) ? data : [];
        if (args[0] !== spec.message.event) return u.unmatched(`event ${String(args[0]).slice(0, 40)}`, text);
        const body = at(args, textPath);
        if (typeof body !== 'string') return u.unmatched(`message.text: no string at ${spec.message.text}`, text);
        u.matched('message.event');
        return u.message(body);
      }
      case 3:
        if (id === JOIN_ACK_ID && spec.join?.ack) {
          u.matched('join.ack');
          return u.joinedRoom();
        }
        if (id > JOIN_ACK_ID && spec.say.ack) {
          u.matched('say.ack');
          return u.answered(id - 1);
        }
        return u.unmatched('ACK nobody asked for', text);
      case 4: {
        const message = (data as { message?: unknown } | undefined)?.message;
        return u.refuse('CONNECT_SOCKETIO_ERROR', `connect error: ${typeof message === 'string' ? message.slice(0, 200) : JSON.stringify(data)?.slice(0, 200)}`);
      }
      default:
        return u.unmatched(`Socket.IO packet type ${text[1] ?? '(none)'}`, text);
    }
  };

  return {
    answers: spec.say.ack,
    rules,
    path: (u) => path(u),
    opened() {
      // the server speaks first: its open packet
    },
    frame(text, u) {
      switch (text[0]) {
        case '4':
          return u.phase === WAIT_OPEN ? u.unmatched('message before the open packet', text) : packet(text, u);
        case '2':
          return u.write(`3${text.slice(1)}`); // ping → pong, with its payload
        case '0':
          if (u.phase !== WAIT_OPEN) return u.unmatched('a second open packet', text);
          u.phase = CONNECTING;
          return u.write(`40${ns}${auth ? auth(u) : ''}`);
        case '1':
        case '3':
        case '6':
          return; // close (the socket follows), pong, noop
        default:
          return u.unmatched(`Engine.IO packet type ${text[0] ?? '(empty)'}`, text);
      }
    },
    say: (u, body, id) => `42${ns}${spec.say.ack ? id + 1 : ''}${say({ user: u.user, room: u.room, index: u.index, token: u.token, body, id })}`,
  };
}

export const socketIo = defineProtocol({ type: 'socket.io', schema: SocketIoProtocol, problems, codec });
