// One room's state on one node of the Redis bus: what arrived before the node knew where the room's
// sequence stood (backlog), and the sessions whose `joined` waits for the node to catch up with
// the seq Redis gave them (joiners).
import type { Session } from '../core/session.js';

/** A numbered message as it came off the bus (or out of the stream, when filling a gap). */
export interface BusDelivery {
  seq: number;
  node: string;
  conn: string;
  fields: string;
}

export interface Joiner {
  s: Session;
  fresh: boolean; // a new member (not a repeated join of a room it is in)
  seq: number; // the room's seq when Redis answered the join; -1 until then
  members: number;
  history: string[] | undefined;
  /** Frames delivered on this node since the join was asked, with their seqs. */
  seqs: number[];
  frames: string[];
}

/** Messages a room may hold back while its sequence is resolved; beyond this the node resyncs
 * from the stream instead of buffering more. */
export const MAX_BACKLOG = 100_000;

export class BusRoom {
  /** SUBSCRIBE confirmed (rejected if Redis refused). */
  subscribed: Promise<void> | undefined;
  /** room.seq follows the bus: the node knows the seq it must deliver next. */
  synced = false;
  /** A gap is being read from the stream: arrivals wait in the backlog. */
  filling = false;
  backlog: BusDelivery[] = [];
  joiners: Joiner[] = [];
  waitTimer: NodeJS.Timeout | undefined;

  constructor(readonly name: string) {}

  /** A delivery reaches the sessions whose `joined` is still pending. */
  offerToJoiners(d: BusDelivery, frame: string, sender: Session | undefined): void {
    for (const j of this.joiners) {
      if (j.s === sender) continue;
      j.seqs.push(d.seq);
      j.frames.push(frame);
    }
  }
}

/** Parse `seq|node|conn|fields`; undefined if it is not one. */
export function parsePayload(payload: string): BusDelivery | undefined {
  const a = payload.indexOf('|');
  const b = payload.indexOf('|', a + 1);
  const c = payload.indexOf('|', b + 1);
  if (a < 1 || b < 0 || c < 0) return undefined;
  const seq = Number(payload.slice(0, a));
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { seq, node: payload.slice(a + 1, b), conn: payload.slice(b + 1, c), fields: payload.slice(c + 1) };
}
