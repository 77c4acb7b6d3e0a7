// Open connections per client IP, for --max-conns-per-ip. The workers variant swaps in a counter
// in shared memory so the limit holds across threads.

export interface IpCounter {
  /** Count a new connection from ip unless that would pass `max` (0 = no limit). */
  tryAdd(ip: string, max: number): boolean;
  remove(ip: string): void;
  /** Distinct IPs currently counted (leak checks). */
  readonly size: number;
}

export class LocalIpCounter implements IpCounter {
  private readonly counts = new Map<string, number>();

  tryAdd(ip: string, max: number): boolean {
    const n = this.counts.get(ip) ?? 0;
    if (max > 0 && n >= max) return false;
    this.counts.set(ip, n + 1);
    return true;
  }

  remove(ip: string): void {
    const n = (this.counts.get(ip) ?? 1) - 1;
    if (n <= 0) this.counts.delete(ip);
    else this.counts.set(ip, n);
  }

  get size(): number {
    return this.counts.size;
  }
}
