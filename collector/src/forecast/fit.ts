/**
 * Theil-Sen line fit: the slope is the median of the slopes of every pair of points,
 * the intercept the median of y - slope*x. Robust to a few wild readings (a level
 * that reads 0 for one poll, a half-seated cartridge) where least squares is not:
 * up to ~29 % of the points can be outliers. Pure.
 */
export interface XY { x: number; y: number }
export interface Line { slope: number; intercept: number }

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Fewer than two distinct x values: no line. Large inputs are thinned to keep the pair count bounded. */
export function theilSen(points: XY[], maxPoints = 120): Line | null {
  let pts = points;
  if (pts.length > maxPoints) {
    // Evenly spaced subsample, keeping first and last: O(n^2) pairs stays small.
    const step = (pts.length - 1) / (maxPoints - 1);
    pts = Array.from({ length: maxPoints }, (_, i) => points[Math.round(i * step)]!);
  }
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      const dx = pts[j]!.x - pts[i]!.x;
      if (dx !== 0) slopes.push((pts[j]!.y - pts[i]!.y) / dx);
    }
  }
  if (!slopes.length) return null;
  const slope = median(slopes);
  return { slope, intercept: median(pts.map((p) => p.y - slope * p.x)) };
}
