// Starts the variant a config names: its module (lib/variants.ts) exports start(config).
import { VARIANT_MODULES } from '../../lib/variants.js';
import type { ServerConfig } from '../config.js';
import type { RunningServer } from '../running-server.js';

export type { RunningServer } from '../running-server.js';

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const variant = (await import(`./${VARIANT_MODULES[config.variant]}`)) as { start(c: ServerConfig): Promise<RunningServer> };
  return variant.start(config);
}
