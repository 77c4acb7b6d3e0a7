// The proxy the gate's calibration puts in front of any server: what the server sends arrives the
// given time later, in order, every byte; what clients send goes at once.
import { createServer, connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../loadgen/coordinator/delay-proxy.js';

let proxy: DelayProxy | undefined;
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await proxy?.close();
  for (const s of servers.splice(0)) s.close();
});

describe('the delaying proxy', () => {
  it('delays every chunk the server sends by the given time and keeps their order', async () => {
    // an echo server that answers each line with 50 numbered lines, in bursts
    const server = createServer((s) => s.on('data', () => { for (let i = 0; i < 50; i++) s.write(`${i}\n`); }));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = await startDelayProxy({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, 40);
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    await new Promise((r) => socket.once('connect', r));
    let text = '';
    const sent = performance.now();
    let firstAt = 0;
    socket.on('data', (d: Buffer) => {
      if (!firstAt) firstAt = performance.now();
      text += d.toString();
    });
    socket.write('go\n');
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (text.split('\n').length > 50) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(firstAt - sent).toBeGreaterThanOrEqual(39);
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `${i}\n`).join(''));
    socket.destroy();
  });
});
