// `protocol: { type: json }`: a WebSocket chat server whose frames are JSON of its own shape,
// described by a profile — what to send to join and to say something (JSON templates), and which
// frames are the join's and the say's replies and which carry chat messages (field equality on
// dotted paths). One frame holds one JSON value, or (`frames: ndjson`) several, one per line.
import { z } from 'zod';
import { defineProtocol, kindOf, type Codec, type CodecSink } from './protocol.js';
import { at, compileJson, compileMatch, compileString, splitPath, unknownPlaceholders, type Matcher } from './template.js';

const pattern = z.record(z.string(), z.unknown()).describe('fields a frame must equal (dotted paths; strings may be templates)');
const JsonProtocol = z
  .object({
    type: z.literal('json'),
    path: z.string().regex(/^\//, 'expected a path starting with "/", e.g. "/chat?user={user}"').default('/').describe('appended to --target; placeholders {user} {room} {index} {token}'),
    join: z
      .object({
        send: z.unknown().refine((v) => v !== undefined, 'required: the JSON to send to join').describe('any JSON; string values are templates'),
        reply: pattern.optional().describe('joined when a frame whose fields equal these arrives; omitted: joined once sent'),
      })
      .strict()
      .optional()
      .describe('omitted: the path alone puts a client in its room'),
    say: z
      .object({
        send: z.unknown().refine((v) => v !== undefined, 'required: the JSON to send a message, with "{body}" where the text goes'),
        reply: pattern.optional().describe('the sender\'s answer; naming "{id}" matches by id, else answers match in order; omitted: no acks'),
      })
      .strict(),
    message: z
      .object({
        match: pattern.describe('a frame that carries a chat message'),
        text: z.string().regex(/^[^.]+(\.[^.]+)*$/, 'expected a dotted path like "msg.text"').describe('dotted path to the string that "{body}" became'),
      })
      .strict(),
    frames: z.enum(['single', 'ndjson']).default('single'),
  })
  .strict();
type JsonSpec = z.output<typeof JsonProtocol>;

/** Every template string in a JSON value, with its path. */
function strings(v: unknown, path: string): [string, string][] {
  if (typeof v === 'string') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}.${i}`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, `${path}.${k}`));
  return [];
}

export function templateProblems(spec: Record<string, unknown>, prefix = 'protocol'): string[] {
  return strings(spec, prefix).flatMap(([path, s]) => unknownPlaceholders(s).map((name) => `${path}: unknown placeholder {${name}}; expected {user}, {room}, {index}, {token}, {id} or {body}`));
}

function problems(spec: JsonSpec): string[] {
  const out = templateProblems(spec as unknown as Record<string, unknown>);
  if (!JSON.stringify(spec.say.send).includes('{body}')) out.push('protocol.say.send: expected "{body}" somewhere in it (where the message text goes)');
  return out;
}

/** An answer rule whose "{id}" field names the message it answers: matched without the id. */
function replyRule(p: Record<string, unknown> | undefined): { match: Matcher; idPath: string[] | undefined } | undefined {
  if (!p) return undefined;
  const idEntry = Object.entries(flatten(p)).find(([, v]) => v === '{id}');
  const rest = Object.fromEntries(Object.entries(flatten(p)).filter(([, v]) => v !== '{id}'));
  return { match: compileMatch(rest), idPath: idEntry ? splitPath(idEntry[0]) : undefined };
}

function flatten(p: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

function codec(spec: JsonSpec): Codec {
  const path = compileString(spec.path);
  const join = spec.join ? compileJson(spec.join.send) : undefined;
  const joinReply = spec.join?.reply ? compileMatch(spec.join.reply) : undefined;
  const say = compileJson(spec.say.send);
  const sayReply = replyRule(spec.say.reply);
  const isMessage = compileMatch(spec.message.match);
  const textPath = splitPath(spec.message.text);
  const rules = ['message.match', ...(joinReply ? ['join.reply'] : []), ...(sayReply ? ['say.reply'] : [])];

  const one = (frame: unknown, raw: string, u: CodecSink): void => {
    if (isMessage(frame, u)) {
      const text = at(frame, textPath);
      if (typeof text !== 'string') return u.unmatched(`message.text: no string at ${spec.message.text}`, raw);
      u.matched('message.match');
      return u.message(text);
    }
    if (joinReply && joinReply(frame, u)) {
      u.matched('join.reply');
      return u.joinedRoom();
    }
    if (sayReply?.match(frame, u)) {
      u.matched('say.reply');
      const id = sayReply.idPath ? Number(at(frame, sayReply.idPath)) : undefined;
      return u.answered(id !== undefined && Number.isSafeInteger(id) ? id : undefined);
    }
    u.unmatched(kindOf(frame), raw);
  };
  const parse = (text: string, u: CodecSink): void => {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return u.unmatched('not JSON', text);
    }
    one(frame, text, u);
  };

  return {
    answers: sayReply !== undefined,
    rules,
    path: (u) => path(u),
    opened(u) {
      if (!join) return u.joinedRoom();
      u.write(join(u));
      if (!joinReply) u.joinedRoom();
    },
    frame(text, u) {
      if (spec.frames === 'single') return parse(text, u);
      for (const line of text.split('\n')) if (line.trim()) parse(line, u);
    },
    say: (u, body, id) => say({ user: u.user, room: u.room, index: u.index, token: u.token, body, id }),
  };
}

export const json = defineProtocol({ type: 'json', schema: JsonProtocol, problems, codec });
