// The core's Transport over a `ws` WebSocket. The raw net.Socket (from the upgrade request) gives
// us 'drain' for the outbox without reaching into ws internals.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Transport } from './core/transport.js';
import type { OutFrame } from '../protocol/ws-frame.js';

export class WsTransport implements Transport {
  constructor(
    readonly ws: WebSocket,
    private readonly socket: Socket,
  ) {}

  send(data: OutFrame): void {
    if (typeof data === 'string') this.ws.send(data);
    // ready bytes straight to the socket: ws frames synchronously when it does not compress (it
    // never does here), so nothing of its own can be queued ahead of them, and bufferedAmount
    // counts the socket's buffer
    else if (this.ws.readyState === this.ws.OPEN) this.socket.write(data.wire);
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  onceDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  ping(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }
}
