// The marker chatbench writes into each message body when the server gives no seqs: who sent it
// (its client index), the room's sequence as this generator numbered it, the sender's own counter,
// and the intended and actual send times (µs, CLOCK_MONOTONIC). ASCII letters, digits and "~"
// only, so JSON, XML or a server's own escaping leave it as it is; the receiver finds it anywhere
// in the text the server delivered (wrapped, prefixed, re-encoded around it).
//   ~cb1~SENDER~ROOMSEQ~COUNTER~INTENDED~ACTUAL~xxxx…   (padded with "x" to bodyBytes)
const PREFIX = '~cb1~';

export interface Marker {
  sender: number;
  roomSeq: number;
  counter: number;
  intendedUs: number;
  actualUs: number;
}

export function encodeMarker(m: Marker, bodyBytes: number): string {
  const text = `${PREFIX}${m.sender}~${m.roomSeq}~${m.counter}~${Math.round(m.intendedUs)}~${Math.round(m.actualUs)}~`;
  return text.length >= bodyBytes ? text : text + 'x'.repeat(bodyBytes - text.length);
}

/** The marker in `text`, written into `out`; false when there is none (or it is malformed: every
 * field a non-negative safe integer, or it is not ours). */
export function findMarker(text: string, out: Marker): boolean {
  const at = text.indexOf(PREFIX);
  if (at < 0) return false;
  let i = at + PREFIX.length;
  const field = (): number => {
    let v = 0;
    const start = i;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === start || text.charCodeAt(i) !== 126 /* ~ */ || i - start > 15) return -1;
    i++;
    return v;
  };
  out.sender = field();
  out.roomSeq = out.sender < 0 ? -1 : field();
  out.counter = out.roomSeq < 0 ? -1 : field();
  out.intendedUs = out.counter < 0 ? -1 : field();
  out.actualUs = out.intendedUs < 0 ? -1 : field();
  return out.actualUs >= 0;
}
