// What the chat core needs from a connection's socket. Implemented once over `ws`
// (server/ws-transport.ts); the core never touches sockets itself.

export interface Transport {
  send(data: string): void;
  /** Bytes written but not yet handed to the kernel. */
  bufferedBytes(): number;
  /** Call `listener` once when the socket can take more data. */
  onceDrain(listener: () => void): void;
  close(code: number, reason: string): void;
  /** Drop the connection without a closing handshake. */
  terminate(): void;
  ping(): void;
}
