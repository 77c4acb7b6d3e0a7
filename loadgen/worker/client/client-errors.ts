// What the generator itself counts against a server, by code, in result.errors (beside the error
// codes servers send). One catalog; docs/loadgen.md lists them with their close codes.
export const ClientError = {
  BAD_JSON: 'CLIENT_BAD_JSON', // a text frame that is not JSON
  BAD_SEQ: 'CLIENT_BAD_SEQ', // a msg/ack whose seq is absent, not an integer, or not a safe integer
  BAD_TS: 'CLIENT_BAD_TS', // a msg without our send timestamps: no latency can be taken
  UNEXPECTED_HISTORY: 'CLIENT_UNEXPECTED_HISTORY', // a history frame nobody asked for, or not for our room
  BAD_ACK: 'CLIENT_BAD_ACK', // an ack without a valid seq: not counted as an answer
  GAPS_OVERFLOW: 'CLIENT_GAPS_OVERFLOW', // more separate seq gaps than a receiver tracks (Gaps)
  FRAME_TOO_BIG: 'CLIENT_FRAME_TOO_BIG', // a frame or message over maxFrameBytes: close 1009
  BAD_FRAME: 'CLIENT_BAD_FRAME', // RFC 6455 violation (reserved opcode or bits, masked, bad control or continuation frame): close 1002
  BINARY_FRAME: 'CLIENT_BINARY_FRAME', // the chat protocol is text: close 1003
  BAD_HANDSHAKE: 'CLIENT_BAD_HANDSHAKE', // the upgrade response is not a valid 101 (status, accept key, or too long)
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT', // not joined within connectTimeout (TCP, upgrade, ready and joined)
  CONNECT_UNFINISHED: 'CONNECT_UNFINISHED', // still connecting when the run ended
  CONNECT_NOT_STARTED: 'CONNECT_NOT_STARTED', // due to connect, never started: earlier connects were stuck
  JOIN_REFUSED: 'CONNECT_JOIN_REFUSED', // an error frame before `joined`
  OWN_MSG: 'CLIENT_OWN_MSG', // chatbench protocol: the server sent a sender its own message as msg (its ack does that)
  NO_MARKER: 'CLIENT_NO_MARKER', // a frame the profile calls a message holds no chatbench marker in its text
  SOCKETIO_CONNECT_ERROR: 'CONNECT_SOCKETIO_ERROR', // Socket.IO CONNECT_ERROR (44): the namespace refused us (e.g. auth)
  SOCKETIO_DISCONNECT: 'CONNECT_SOCKETIO_DISCONNECT', // Socket.IO DISCONNECT (41) from the server
} as const;
export type ClientError = (typeof ClientError)[keyof typeof ClientError];

/** An error that ends a connection on the generator's side, with the code it counts under. */
export class ClientFailure extends Error {
  constructor(
    readonly code: ClientError | string,
    message: string,
  ) {
    super(message);
  }
}
