// The protocol seam: how a simulated user speaks to a server. chatbench's own protocol is spoken by
// VirtualUser (the server's seqs, acks, history); every other protocol is a Codec driven by
// MarkerUser, which measures with a marker it writes into each message's text instead of the
// server's help. A Codec turns the server's text frames into a few events on its sink and builds
// the frames a user sends; it keeps no state of its own (a user's protocol state lives on the
// user: `phase`), so one codec serves a whole generator process. Each protocol is one module
// exporting a ProtocolDefinition, listed once in registry.ts.
import type { z } from 'zod';

/** What a template may read of a user ({user} {room} {index} {token}). */
export interface UserVars {
  readonly user: string;
  readonly room: string;
  readonly index: number;
  readonly token: string;
}

/** The user, as a codec sees it. */
export interface CodecSink extends UserVars {
  /** Protocol state a codec keeps per connection (e.g. Socket.IO: 0 before the open packet). */
  phase: number;
  /** The user is in its room now. */
  joinedRoom(): void;
  /** An answer to an own message: `id` names it, undefined when answers come in order. */
  answered(id: number | undefined): void;
  /** A chat message, with the text the sender's body became (a marker is looked for in it). */
  message(text: string): void;
  /** A frame the protocol itself requires (an Engine.IO pong, a namespace connect, a join). */
  write(frame: string): void;
  /** The server refused the connection (a Socket.IO connect error, an XMPP auth failure). */
  refuse(code: string, detail: string): void;
  /** The server refused an own message (an XMPP error stanza): a refused send, counted by code;
   * `id` names the message when the server says which. */
  rejected(code: string, detail: string, id: number | undefined): void;
  /** A frame that matched no rule, by kind (a few are kept for the summary). */
  unmatched(kind: string, frame: string): void;
  /** A rule of the profile matched a frame (counted, so a rule that never matched is named). */
  matched(rule: string): void;
}

export interface Codec {
  /** Own messages are answered (a reply or an ack is configured); otherwise sends are never
   * "unanswered", and an echo of an own message is its answer when the server sends one. */
  readonly answers: boolean;
  /** Rules a run's frames should match, by name (`message.match`, `join.reply`, …). */
  readonly rules: readonly string[];
  /** Path and query the WebSocket upgrade asks for (appended to the target's path). */
  path(u: UserVars): string;
  /** Extra header lines of the upgrade, each ending in \r\n (XMPP: its subprotocol). */
  readonly headers?: string;
  /** The upgrade completed. */
  opened(u: CodecSink): void;
  /** One text frame from the server. */
  frame(text: string, u: CodecSink): void;
  /** The frame that sends `body` as own message number `id`. */
  say(u: UserVars, body: string, id: number): string;
}

export interface ProtocolDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  /** Its `protocol:` block, with `type` as a literal. */
  schema: S;
  /** Problems zod cannot see (templates naming unknown placeholders), as "path: what". */
  problems?: (spec: z.output<S>) => string[];
  /** The codec; undefined for chatbench's own protocol (VirtualUser speaks it). */
  codec?: (spec: z.output<S>) => Codec;
}

export function defineProtocol<S extends z.ZodType>(d: ProtocolDefinition<S>): ProtocolDefinition<S> {
  return d;
}

/** A frame's kind for the unmatched-frame counts: its `type`/`op`/`event`-like field, or its keys. */
export function kindOf(frame: unknown): string {
  if (Array.isArray(frame)) return `array[${frame.length}]`;
  if (frame === null || typeof frame !== 'object') return typeof frame;
  const o = frame as Record<string, unknown>;
  for (const key of ['type', 'op', 'event', 'action', 'kind', 'cmd', 't']) {
    const v = o[key];
    if (typeof v === 'string' && v.length <= 40) return `${key}=${v}`;
  }
  return `keys:${Object.keys(o).slice(0, 6).join(',')}`;
}
