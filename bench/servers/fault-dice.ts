// The fault injection of the comparison subjects: a seeded random choice per broadcast (or per
// delivery) to drop it or send it twice, and exact counts of what that did to receivers, served
// at GET /stats so a test can hold chatbench's lost and duplicated against them.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FaultCounts {
  broadcasts: number;
  dropped: number; // deliveries that did not happen
  duplicated: number; // deliveries that happened twice
}

export class FaultDice {
  readonly counts: FaultCounts = { broadcasts: 0, dropped: 0, duplicated: 0 };
  private state: number;

  constructor(
    readonly dropShare: number,
    readonly duplicateShare: number,
    seed = 1,
  ) {
    this.state = seed >>> 0 || 1;
  }

  /** 'drop', 'duplicate' or 'send' for the next broadcast (xorshift32: the same seed, the same run). */
  roll(): 'drop' | 'duplicate' | 'send' {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    const u = this.state / 2 ** 32;
    return u < this.dropShare ? 'drop' : u < this.dropShare + this.duplicateShare ? 'duplicate' : 'send';
  }

  /** GET /stats → the counts as JSON; false for any other request. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url !== '/stats') return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.counts));
    return true;
  }
}

/** --name value pairs of a subject's command line. */
export function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) if (argv[i]!.startsWith('--')) out[argv[i]!.slice(2)] = argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'true';
  return out;
}
