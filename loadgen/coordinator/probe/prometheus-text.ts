// Read the few values we need from a Prometheus text exposition: the sum over all series of a
// metric name (threads or labels), or undefined when the metric is absent.

export function sumMetric(text: string, name: string): number | undefined {
  return fold(text, name, (a, b) => a + b);
}

/** The largest value over all series of a metric (e.g. the worst thread's loop delay). */
export function maxMetric(text: string, name: string): number | undefined {
  return fold(text, name, Math.max);
}

function fold(text: string, name: string, combine: (a: number, b: number) => number): number | undefined {
  let total: number | undefined;
  let at = 0;
  while ((at = text.indexOf(name, at)) >= 0) {
    const lineStart = at === 0 || text[at - 1] === '\n';
    const after = text[at + name.length];
    if (lineStart && (after === ' ' || after === '{')) {
      const eol = text.indexOf('\n', at);
      const line = text.slice(at, eol < 0 ? undefined : eol);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) total = total === undefined ? value : combine(total, value);
    }
    at += name.length;
  }
  return total;
}
