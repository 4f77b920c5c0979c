/**
 * A counter's value at a period edge, from the reads around it. Pure: the
 * billing rules in one place, tested on their own.
 *
 * - a read within `toleranceMs` of the edge is taken as is (the nearest one);
 * - reads on both sides: linear interpolation between the nearest two;
 * - reads on one side only: linear extrapolation at the rate between the
 *   nearest and the farthest read on that side (a long baseline smooths out
 *   nights and weekends); a single read is carried as is.
 * Anything but a real read is marked estimated.
 */
export interface Point { at: number; value: number }

export interface Side {
  /** Closest read to the edge on this side. */
  near: Point;
  /** Farthest read on this side within the look-around window (may equal near). */
  far: Point;
}

export type EdgeSource = 'read' | 'interpolated' | 'extrapolated' | 'none';

export interface EdgeValue {
  value: number | null;
  /** ISO time of the read used, or of the edge itself when estimated. */
  at: string | null;
  source: EdgeSource;
  estimated: boolean;
}

export function edgeValue(edge: number, before: Side | null, after: Side | null, toleranceMs: number): EdgeValue {
  const iso = (t: number) => new Date(t).toISOString();
  const candidates = [before?.near, after?.near].filter((p): p is Point => !!p);
  if (candidates.length === 0) return { value: null, at: null, source: 'none', estimated: false };
  const nearest = candidates.reduce((a, b) => (Math.abs(b.at - edge) < Math.abs(a.at - edge) ? b : a));
  if (Math.abs(nearest.at - edge) <= toleranceMs) return { value: nearest.value, at: iso(nearest.at), source: 'read', estimated: false };

  if (before && after) {
    const b = before.near;
    const a = after.near;
    const v = a.at === b.at ? b.value : b.value + ((a.value - b.value) * (edge - b.at)) / (a.at - b.at);
    return { value: Math.round(v), at: iso(edge), source: 'interpolated', estimated: true };
  }
  const side = (before ?? after)!;
  const [early, late] = side.near.at <= side.far.at ? [side.near, side.far] : [side.far, side.near];
  // A counter that went backwards gives no usable rate: carry the read flat.
  const rate = late.at === early.at ? 0 : Math.max(0, (late.value - early.value) / (late.at - early.at));
  const v = side.near.value + rate * (edge - side.near.at);
  return { value: Math.max(0, Math.round(v)), at: iso(edge), source: 'extrapolated', estimated: true };
}
