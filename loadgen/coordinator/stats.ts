// Small statistics for results: least-squares slope.

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
