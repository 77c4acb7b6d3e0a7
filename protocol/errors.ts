// The one catalog of protocol error codes and WebSocket close codes (docs/protocol.md mirrors it).

export const ErrorCode = {
  BAD_FRAME: 'BAD_FRAME', // not a JSON object, binary frame, or invalid structure
  UNKNOWN_TYPE: 'UNKNOWN_TYPE', // `type` is not one this server knows
  BAD_FIELD: 'BAD_FIELD', // a field is missing or has the wrong type or format
  NOT_AUTHENTICATED: 'NOT_AUTHENTICATED', // a frame other than `auth` before authentication
  ALREADY_AUTHENTICATED: 'ALREADY_AUTHENTICATED',
  UNAUTHORIZED: 'UNAUTHORIZED', // forged, expired or malformed token
  FORBIDDEN: 'FORBIDDEN', // the token's room list does not allow this room
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  TOO_MANY_ROOMS: 'TOO_MANY_ROOMS',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_LARGE: 'TOO_LARGE', // body longer than the server's limit
  UNAVAILABLE: 'UNAVAILABLE', // persistence failed; the message was not stored
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const CloseCode = {
  NORMAL: 1000, // clients' normal closure (the server uses the codes below)
  GOING_AWAY: 1001, // server shutting down
  INVALID_PAYLOAD: 1007, // invalid UTF-8 (sent by the ws library)
  POLICY_VIOLATION: 1008, // sustained rate-limit abuse
  MESSAGE_TOO_BIG: 1009, // frame larger than --max-frame-bytes (sent by the ws library)
  INTERNAL_ERROR: 1011,
  AUTH_TIMEOUT: 4001, // no successful `auth` within --auth-timeout
  AUTH_FAILED: 4003, // the `auth` frame carried a bad token
  SLOW_CONSUMER: 4008, // outgoing queue exceeded --max-queue-bytes (policy: disconnect)
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** A protocol violation detected while decoding or handling a frame. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly ref?: string | number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
