// Structured JSON logs (pino) on stderr, so stdout stays for the CLI's own lines.
import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config.js';

export function createLogger(config: Pick<ServerConfig, 'logLevel' | 'variant'>, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level: config.logLevel, base: { variant: config.variant, ...bindings } }, pino.destination({ fd: 2, sync: false }));
}
