// What starting a variant gives back, whatever its concurrency style.
import type { VariantName } from '../lib/variants.js';

export interface RunningServer {
  readonly variant: VariantName;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}
