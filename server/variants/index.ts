// The variant registry: one entry per concurrency style, all behind the same start() contract.
import type { ServerConfig, VariantName } from '../config.js';
import { startHost } from '../host.js';
import { handleConnection as callback } from './callback.js';
import { handleConnection as coroutine } from './coroutine.js';

export interface RunningServer {
  readonly variant: VariantName;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  switch (config.variant) {
    case 'coroutine':
    case 'callback': {
      const host = await startHost(config, config.variant === 'coroutine' ? coroutine : callback);
      return { variant: config.variant, host: config.host, port: host.port, close: host.close };
    }
    case 'workers': {
      const { startWorkers } = await import('./workers/main.js');
      return startWorkers(config);
    }
  }
}
