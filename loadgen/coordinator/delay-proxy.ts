// A TCP proxy that delays everything a server sends by a fixed time, in order: a latency
// regression injected from outside a server chatbench did not write (`chatbench gate --calibrate`
// on any server). It stands for "every delivery arrives N ms later"; it does not stand for a
// server that costs more CPU — that cannot be made from outside without changing what is measured.
import { connect, createServer, type Socket } from 'node:net';

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.pipe(upstream); // what clients send goes at once
    // timers of one delay fire in the order they were set: the stream keeps its order
    upstream.on('data', (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
