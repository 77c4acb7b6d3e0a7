// What the chat core needs from a connection's socket. Implemented once, by the server's own
// WebSocket (server/ws/server-web-socket.ts); the core never touches sockets itself.

import type { OutFrame } from '../../protocol/ws-frame.js';

export interface Transport {
  /** A string is framed for this socket; a SharedFrame's ready bytes are written as they are. */
  send(data: OutFrame): void;
  /** Bytes written but not yet handed to the kernel. */
  bufferedBytes(): number;
  /** Call `listener` once when the socket can take more data. */
  onceDrain(listener: () => void): void;
  close(code: number, reason: string): void;
  /** Drop the connection without a closing handshake. */
  terminate(): void;
  ping(): void;
}
