// A CodecSink that records what a codec did, line by line, for the protocol codecs' unit tests.
import type { CodecSink } from '../../loadgen/protocols/protocol.js';

export const vars = { user: 'u7', room: 'r1', index: 7, token: 'T', id: 3, body: 'hello' };

/** A sink that records what a codec did. */
export function sink(): CodecSink & { log: string[] } {
  const log: string[] = [];
  return {
    ...vars,
    phase: 0,
    log,
    joinedRoom: () => log.push('joined'),
    answered: (id) => log.push(`answered ${id}`),
    message: (text) => log.push(`message ${text}`),
    write: (frame) => log.push(`write ${frame}`),
    refuse: (code, detail) => log.push(`refuse ${code} ${detail}`),
    rejected: (code, detail, id) => log.push(`rejected ${code} ${id} ${detail}`),
    unmatched: (kind) => log.push(`unmatched ${kind}`),
    matched: () => {},
  };
}

