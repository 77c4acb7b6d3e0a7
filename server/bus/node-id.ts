// A server's default name on the bus, apart from the bus itself: the workers' main thread names
// its threads' node ids without loading ioredis.
import { hostname } from 'node:os';

export function defaultNodeId(): string {
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}
