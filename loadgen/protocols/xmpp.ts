// `protocol: { type: xmpp }`: an XMPP server's multi-user chat rooms (XEP-0045) over WebSocket
// (RFC 7395), spoken by the lean client:
//   → <open to=DOMAIN/>  ← <open/>, <features> with SASL mechanisms
//   → <auth mechanism=ANONYMOUS|PLAIN/>  ← <success/> (or <failure>: the connection is refused)
//   → <open/> again  ← <features> with <bind>  → <iq set><bind/>  ← <iq result>
//   → <presence to=ROOM@MUC/NICK> with <history maxstanzas=0/>  ← the occupants' presence, then
//     our own with status 110: joined (an error presence refuses the join)
//   → <message type=groupchat><body>MARKER</body>  ← the room's groupchat messages; the room
//     reflects our own back to us, which is our message's answer (MarkerUser), never a delivery.
// The server's XEP-0199 pings are answered; any other iq get/set gets service-unavailable, as
// RFC 6120 asks. Stream errors and refused joins fail the connection under CONNECT_XMPP_<condition>;
// error stanzas answering our messages are refused sends under XMPP_<condition>.
import { z } from 'zod';
import { defineProtocol, type Codec, type CodecSink } from './protocol.js';
import { compileString } from './template.js';
import { templateProblems } from './json.js';
import { escapeXml, StanzaReader } from './xmpp-stanza.js';

const XmppProtocol = z
  .object({
    type: z.literal('xmpp'),
    path: z.string().regex(/^\//, 'expected a path starting with "/", e.g. "/xmpp-websocket"').default('/xmpp-websocket'),
    domain: z.string().min(1).default('localhost').describe("the stream's `to`: the XMPP domain users log in to"),
    muc: z.string().min(1).optional().describe('the multi-user chat service: scenario room r is the room r@muc (default conference.DOMAIN)'),
    auth: z.enum(['anonymous', 'plain']).default('anonymous').describe('SASL ANONYMOUS, or PLAIN with username and password'),
    username: z.string().min(1).default('{user}').describe('auth plain: the account name (a template)'),
    password: z.string().optional().describe('auth plain: the password (a template, e.g. "{user}-secret")'),
    nick: z.string().min(1).default('{user}').describe("the room nickname (a template; unique per user)"),
  })
  .strict();
type XmppSpec = z.output<typeof XmppProtocol>;

function problems(spec: XmppSpec): string[] {
  const out = templateProblems(spec as unknown as Record<string, unknown>);
  if (spec.auth === 'plain' && spec.password === undefined) out.push('protocol.password: expected a password (a template, e.g. "{user}-secret") with auth: plain');
  if (spec.auth === 'anonymous' && spec.password !== undefined) out.push('protocol.password: a password is for auth: plain; anonymous login takes none');
  return out;
}

// phases of a connection, kept on the user
const AUTH = 0; // our first <open/> sent: the server's features name its mechanisms
const SASL = 1; // <auth/> sent
const BIND = 2; // authenticated, the stream reopened: the features offer binding
const JOINING = 3; // bind requested, then the join presence sent
const JOINED = 4;

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const BIND_ID = 'bind';
const reader = new StanzaReader(); // one per process: the codec is shared, frames come one at a time

/** A condition as an error code part: what a server names it, bounded and plain. */
const codeOf = (condition: string) => (condition.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40) || 'undefined-condition');

function codec(spec: XmppSpec): Codec {
  const domain = escapeXml(spec.domain);
  const muc = escapeXml(spec.muc ?? `conference.${spec.domain}`);
  const nick = compileString(spec.nick);
  const username = compileString(spec.username);
  const password = compileString(spec.password ?? '');
  const mechanism = spec.auth === 'plain' ? 'PLAIN' : 'ANONYMOUS';
  const open = `<open xmlns="${FRAMING}" to="${domain}" version="1.0"/>`;
  const roomJid = (u: { room: string }) => `${escapeXml(u.room)}@${muc}`;

  const auth = (u: CodecSink) => {
    if (spec.auth === 'anonymous') return `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>`;
    const plain = Buffer.from(`\0${username(u)}\0${password(u)}`, 'utf8').toString('base64');
    return `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plain}</auth>`;
  };
  const fail = (u: CodecSink, condition: string, what: string) => {
    const s = reader.stanza;
    u.refuse(`CONNECT_XMPP_${codeOf(condition)}`, `${what}: ${condition || 'no condition'}${s.text ? ` (${s.text})` : ''}`);
  };

  return {
    answers: false, // the room's reflection of an own message answers it
    rules: ['message.groupchat', 'join.self-presence'],
    headers: 'Sec-WebSocket-Protocol: xmpp\r\n',
    path: () => spec.path,
    opened(u) {
      u.phase = AUTH;
      u.write(open);
    },
    frame(text, u) {
      const bad = reader.read(text);
      if (bad) return u.unmatched(bad, text);
      const s = reader.stanza;
      switch (s.name) {
        case 'message':
          if (s.type === 'groupchat') {
            if (u.phase !== JOINED || s.body === undefined || s.delayed) return; // a subject, or history we did not ask for
            u.matched('message.groupchat');
            return u.message(s.body);
          }
          if (s.type === 'error') return u.rejected(`XMPP_${codeOf(s.condition)}`, `message refused: ${s.condition}${s.text ? ` (${s.text})` : ''}`, /^\d+$/.test(s.id) ? Number(s.id) : undefined);
          return u.unmatched(`message of type ${s.type.slice(0, 20) || 'normal'}`, text);
        case 'presence':
          if (u.phase !== JOINING) return; // other occupants coming and going
          if (s.type === 'error') return fail(u, s.condition, `the room refused the join (${roomJid(u)})`);
          if (s.statuses.includes(110)) {
            u.phase = JOINED;
            u.matched('join.self-presence');
            return u.joinedRoom();
          }
          return;
        case 'iq':
          if (s.type === 'get' || s.type === 'set') {
            const to = s.from ? ` to="${escapeXml(s.from)}"` : '';
            if (s.ping) return u.write(`<iq xmlns="jabber:client" type="result" id="${escapeXml(s.id)}"${to}/>`);
            u.unmatched('iq request', text);
            return u.write(`<iq xmlns="jabber:client" type="error" id="${escapeXml(s.id)}"${to}><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`);
          }
          if (s.id !== BIND_ID || u.phase !== JOINING) return u.unmatched(`iq ${s.type} nobody asked for`, text);
          if (s.type === 'error') return fail(u, s.condition, 'resource binding refused');
          return u.write(`<presence xmlns="jabber:client" to="${roomJid(u)}/${escapeXml(nick(u))}"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>`);
        case 'features':
          if (u.phase === AUTH) {
            if (!s.mechanisms.includes(mechanism)) return u.refuse('CONNECT_XMPP_NO_MECHANISM', `the server offers SASL ${s.mechanisms.join(', ') || 'nothing'}, not ${mechanism} (protocol.auth: ${spec.auth})`);
            u.phase = SASL;
            return u.write(auth(u));
          }
          if (u.phase === BIND) {
            if (!s.bind) return u.refuse('CONNECT_XMPP_NO_BIND', 'the server offers no resource binding after authentication');
            u.phase = JOINING;
            return u.write(`<iq xmlns="jabber:client" type="set" id="${BIND_ID}"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>chatbench</resource></bind></iq>`);
          }
          return u.unmatched('stream features out of turn', text);
        case 'success':
          if (u.phase !== SASL) return u.unmatched('SASL success out of turn', text);
          u.phase = BIND;
          return u.write(open);
        case 'failure':
          return fail(u, s.condition, `SASL ${mechanism} failed`);
        case 'error':
          return fail(u, s.condition, 'stream error');
        case 'open':
        case 'close':
          return; // the server's stream header; its close (the socket follows)
        default:
          return u.unmatched(`element <${s.name.slice(0, 40) || '(none)'}>`, text);
      }
    },
    say: (u, body, id) => `<message xmlns="jabber:client" to="${roomJid(u)}" type="groupchat" id="${id}"><body>${escapeXml(body)}</body></message>`,
  };
}

export const xmpp = defineProtocol({ type: 'xmpp', schema: XmppProtocol, problems, codec });
