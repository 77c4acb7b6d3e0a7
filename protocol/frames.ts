// Wire protocol v1: frame types, validation of client frames, and the encoders both sides use.
// Server frames are encoded with a fixed field order (`type` first, `body` last): readers may rely
// on it for fast scanning (see protocol/scan.ts), and docs/protocol.md promises it.
import { ErrorCode, ProtocolError } from './errors.js';

export const PROTOCOL_VERSION = 1;

export type MessageId = string | number;
export type Timestamp = string | number;

export type ClientFrame =
  | { type: 'auth'; token: string }
  | { type: 'join'; room: string; history?: number }
  | { type: 'leave'; room: string }
  | { type: 'say'; room: string; id: MessageId; body: string; ts?: Timestamp }
  | { type: 'history'; room: string; limit: number; before?: number };

export interface StoredMessage {
  room: string;
  from: string;
  id: MessageId;
  seq: number;
  ts?: Timestamp;
  body: string;
}

export type ServerFrame =
  | { type: 'ready'; user: string; conn: string; protocol: number }
  | { type: 'joined'; room: string; members: number; seq: number; history?: StoredMessage[] }
  | { type: 'left'; room: string }
  | ({ type: 'msg' } & StoredMessage)
  | { type: 'ack'; id: MessageId; room: string; seq: number }
  | { type: 'history'; room: string; messages: StoredMessage[] }
  | { type: 'error'; code: ErrorCode; message: string; ref?: MessageId };

export const ROOM_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_HISTORY_LIMIT = 500;

// ---- decoding client frames (server side) ----

/** Client frames are flat objects; JSON nested deeper than this is refused before it is parsed
 * (JSON.parse of 16,000 nested arrays takes ≈ 2 ms here: a cheap way to stall a server). */
export const MAX_FRAME_DEPTH = 8;

/** Does the JSON text nest objects or arrays deeper than `max`? One pass, strings skipped. */
export function nestedDeeper(text: string, max: number): boolean {
  if (text.indexOf('[') < 0 && text.indexOf('{', 1) < 0) return false; // flat: the usual frame, in native code
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Parse and validate one client text frame. Throws ProtocolError with a stable code. */
export function parseClientFrame(text: string): ClientFrame {
  if (nestedDeeper(text, MAX_FRAME_DEPTH)) throw new ProtocolError(ErrorCode.BAD_FRAME, `frame nested deeper than ${MAX_FRAME_DEPTH} levels`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError(ErrorCode.BAD_FRAME, 'frame is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProtocolError(ErrorCode.BAD_FRAME, 'frame must be a JSON object');
  }
  const f = raw as Record<string, unknown>;
  const ref = isId(f.id) ? f.id : undefined;
  switch (f.type) {
    case 'auth':
      return { type: 'auth', token: str(f, 'token', 4096) };
    case 'join': {
      const history = f.history === undefined ? undefined : int(f, 'history', 0, MAX_HISTORY_LIMIT);
      return history === undefined ? { type: 'join', room: room(f) } : { type: 'join', room: room(f), history };
    }
    case 'leave':
      return { type: 'leave', room: room(f) };
    case 'say': {
      if (!isId(f.id)) throw new ProtocolError(ErrorCode.BAD_FIELD, '`id` must be a string of 1-64 chars or a non-negative integer');
      if (typeof f.body !== 'string') throw new ProtocolError(ErrorCode.BAD_FIELD, '`body` must be a string', ref);
      if (f.ts !== undefined && !isTs(f.ts)) {
        throw new ProtocolError(ErrorCode.BAD_FIELD, '`ts` must be a finite number or a string of at most 64 chars', ref);
      }
      const frame: ClientFrame = { type: 'say', room: room(f, ref), id: f.id, body: f.body };
      if (f.ts !== undefined) frame.ts = f.ts as Timestamp;
      return frame;
    }
    case 'history': {
      const before = f.before === undefined ? undefined : int(f, 'before', 1, Number.MAX_SAFE_INTEGER);
      const frame: ClientFrame = { type: 'history', room: room(f), limit: int(f, 'limit', 1, MAX_HISTORY_LIMIT) };
      if (before !== undefined) frame.before = before;
      return frame;
    }
    case undefined:
      throw new ProtocolError(ErrorCode.BAD_FRAME, 'frame has no `type`');
    default:
      throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, `unknown frame type ${JSON.stringify(f.type).slice(0, 40)}`);
  }
}

function str(f: Record<string, unknown>, key: string, max: number): string {
  const v = f[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new ProtocolError(ErrorCode.BAD_FIELD, `\`${key}\` must be a non-empty string of at most ${max} chars`);
  }
  return v;
}

function room(f: Record<string, unknown>, ref?: MessageId): string {
  const v = f.room;
  if (typeof v !== 'string' || !ROOM_PATTERN.test(v)) {
    throw new ProtocolError(ErrorCode.BAD_FIELD, '`room` must match [A-Za-z0-9_.:-]{1,64}', ref);
  }
  return v;
}

function int(f: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = f[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError(ErrorCode.BAD_FIELD, `\`${key}\` must be an integer from ${min} to ${max}`);
  }
  return v;
}

function isId(v: unknown): v is MessageId {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
  return typeof v === 'string' && v.length > 0 && v.length <= 64;
}

function isTs(v: unknown): v is Timestamp {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 64);
}

// ---- encoding server frames (fixed field order; `body` last) ----

const q = JSON.stringify;

export function encodeReady(user: string, conn: string): string {
  return `{"type":"ready","user":${q(user)},"conn":${q(conn)},"protocol":${PROTOCOL_VERSION}}`;
}

export function encodeMsgFields(m: StoredMessage): string {
  return `${msgHead(m)}${m.seq}${msgTail(m)}`; // no {head, tail} object per message on this path
}

export function encodeMsg(m: StoredMessage): string {
  return msgFromFields(encodeMsgFields(m));
}

/** A message's fields split around its seq, for a sequencer that numbers it elsewhere (the Redis
 * bus: fields = head + seq + tail). */
export function encodeMsgFieldsAround(m: Omit<StoredMessage, 'seq'>): { head: string; tail: string } {
  return { head: msgHead(m), tail: msgTail(m) };
}

function msgHead(m: Omit<StoredMessage, 'seq'>): string {
  return `"room":"${m.room}","from":${q(m.from)},"id":${q(m.id)},"seq":`; // room names need no escaping
}

function msgTail(m: Omit<StoredMessage, 'seq'>): string {
  return `${m.ts === undefined ? '' : `,"ts":${q(m.ts)}`},"body":${q(m.body)}`;
}

/** A `msg` frame from already encoded fields (encodeMsgFields or a stored copy of them). */
export function msgFromFields(fields: string): string {
  return `{"type":"msg",${fields}}`;
}

export function encodeJoined(room: string, members: number, seq: number, history?: StoredMessage[]): string {
  return encodeJoinedRaw(room, members, seq, history?.map(encodeMsgFields));
}

/** encodeJoined with a history already encoded as message fields, oldest first. */
export function encodeJoinedRaw(room: string, members: number, seq: number, history?: string[]): string {
  const h = history === undefined ? '' : `,"history":${fieldList(history)}`;
  return `{"type":"joined","room":"${room}","members":${members},"seq":${seq}${h}}`;
}

export function encodeHistoryRaw(room: string, fields: string[]): string {
  return `{"type":"history","room":"${room}","messages":${fieldList(fields)}}`;
}

function fieldList(fields: string[]): string {
  return `[${fields.map((f) => `{${f}}`).join(',')}]`;
}

export function encodeLeft(room: string): string {
  return `{"type":"left","room":"${room}"}`;
}

export function encodeAck(id: MessageId, room: string, seq: number): string {
  return `{"type":"ack","id":${q(id)},"room":"${room}","seq":${seq}}`;
}

export function encodeHistory(room: string, messages: StoredMessage[]): string {
  return encodeHistoryRaw(room, messages.map(encodeMsgFields));
}

export function encodeError(code: ErrorCode, message: string, ref?: MessageId): string {
  const r = ref === undefined ? '' : `,"ref":${q(ref)}`;
  return `{"type":"error","code":"${code}","message":${q(message)}${r}}`;
}

// ---- encoding client frames (generator and benchmarks) ----

export function encodeJoin(room: string, history?: number): string {
  return history === undefined ? `{"type":"join","room":"${room}"}` : `{"type":"join","room":"${room}","history":${history}}`;
}

/** `body` must already be JSON-escaped-safe or is escaped here; ts is echoed by the server verbatim. */
export function encodeSay(room: string, id: MessageId, body: string, ts?: Timestamp): string {
  const t = ts === undefined ? '' : `,"ts":${q(ts)}`;
  return `{"type":"say","room":"${room}","id":${q(id)}${t},"body":${q(body)}}`;
}

/** encodeSay for hot loops: a numeric id, a plain ts string and the body already JSON-encoded. */
export function encodeSayRaw(room: string, id: number, ts: string, bodyJson: string): string {
  return `{"type":"say","room":"${room}","id":${id},"ts":"${ts}","body":${bodyJson}}`;
}
