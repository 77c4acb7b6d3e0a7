// Messages between the workers variant's main thread and its chat threads.
import type { MessagePort } from 'node:worker_threads';
import type { ServerConfig } from '../../config.js';

export interface ThreadData {
  config: ServerConfig;
  index: number;
  threads: number;
  ports: (MessagePort | undefined)[];
  counters: SharedArrayBuffer; // Int32 per thread: its open connections, for /healthz
  ipCounts: SharedArrayBuffer; // connections per IP, across threads (SharedCounts)
  memberCounts: SharedArrayBuffer; // members per room, across threads (SharedCounts)
  seqs: SharedArrayBuffer; // each room's seq counter, across threads (SharedSeqs)
}

export type ToThread =
  | { type: 'listen'; fd: number }
  | { type: 'collect'; id: number }
  | { type: 'metrics'; id: number; contentType: string; body: string }
  | { type: 'settle' }
  | { type: 'close' };

export type FromThread =
  | { type: 'listening'; port: number; fd: number }
  | { type: 'metrics?'; id: number }
  | { type: 'collected'; id: number; json: unknown }
  | { type: 'settled' }
  | { type: 'closed' }
  | { type: 'failed'; message: string };
