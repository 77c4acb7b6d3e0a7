// Senders ordered by their next intended send time (a binary min-heap), so one timer per process
// drives every sender: no timer per message or per client.

export interface Scheduled {
  nextSendUs: number;
  heapPos: number;
}

export class SendSchedule<T extends Scheduled> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  add(item: T): void {
    item.heapPos = this.heap.length;
    this.heap.push(item);
    this.up(item.heapPos);
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  /** The top item's nextSendUs changed (grew): restore the order. */
  updateTop(): void {
    this.down(0);
  }

  remove(item: T): void {
    const pos = item.heapPos;
    if (pos < 0 || this.heap[pos] !== item) return;
    const last = this.heap.pop()!;
    item.heapPos = -1;
    if (last === item) return;
    this.heap[pos] = last;
    last.heapPos = pos;
    this.down(pos);
    this.up(pos);
  }

  private up(i: number): void {
    const h = this.heap;
    const item = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.nextSendUs <= item.nextSendUs) break;
      h[i] = h[p]!;
      h[i]!.heapPos = i;
      i = p;
    }
    h[i] = item;
    item.heapPos = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    if (n === 0) return;
    const item = h[i]!;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.nextSendUs < h[l]!.nextSendUs ? r : l;
      if (h[c]!.nextSendUs >= item.nextSendUs) break;
      h[i] = h[c]!;
      h[i]!.heapPos = i;
      i = c;
    }
    h[i] = item;
    item.heapPos = i;
  }
}
