// Server memory per connection: the least-squares slope of memory against open connections.

/** Below this many connections, memory noise (MBs) swamps a few KB per connection: no figure. */
export const MIN_CONNECTIONS_FOR_MEMORY = 1000;

/** Slope and sample count of the least-squares line y = a + b·x; null with fewer than 3 points or no spread in x. */
export function slope(points: { x: number; y: number }[]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
    sxx += p.x * p.x;
    sxy += p.x * p.y;
  }
  const d = n * sxx - sx * sx;
  if (d === 0) return null;
  return (n * sxy - sx * sy) / d;
}

/** RSS and heap per connection over `points`, or null when they span fewer than
 * MIN_CONNECTIONS_FOR_MEMORY connections (or give no slope). */
export function memoryPerConnection(points: { connections: number; rss: number; heap: number | null }[]): { rssBytes: number; heapBytes: number | null; samples: number } | null {
  if (points.length === 0) return null;
  const xs = points.map((p) => p.connections);
  if (Math.max(...xs) - Math.min(...xs) < MIN_CONNECTIONS_FOR_MEMORY) return null;
  const rss = slope(points.map((p) => ({ x: p.connections, y: p.rss })));
  // a server measured only from /proc (not ours) has RSS and no JS heap figure
  const heapPoints = points.filter((p) => p.heap !== null);
  const heap = heapPoints.length === points.length ? slope(heapPoints.map((p) => ({ x: p.connections, y: p.heap! }))) : null;
  return rss !== null ? { rssBytes: Math.round(rss), heapBytes: heap === null ? null : Math.round(heap), samples: points.length } : null;
}
