// Plain counters the chat core bumps on hot paths; server/metrics.ts exposes them to Prometheus.
// Kept free of prom-client so the core stays I/O- and library-free.

export class ChatStats {
  private open = 0;
  private shared: { array: Int32Array; slot: number } | undefined;
  connectionsTotal = 0;
  framesIn = 0;
  framesOut = 0;
  messagesAccepted = 0;
  deliveries = 0;
  droppedFrames = 0;
  slowConsumerDisconnects = 0;
  queuedBytes = 0;
  readonly errors = new Map<string, number>();
  readonly closes = new Map<number, number>();

  get connectionsOpen(): number {
    return this.open;
  }

  set connectionsOpen(n: number) {
    this.open = n;
    if (this.shared) Atomics.store(this.shared.array, this.shared.slot, n);
  }

  /** Mirror the open-connection count into shared memory (workers: /healthz sums the threads). */
  shareConnections(array: Int32Array, slot: number): void {
    this.shared = { array, slot };
    Atomics.store(array, slot, this.open);
  }

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  closed(code: number): void {
    this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
  }
}
