/**
 * A counter's value at a period edge, from the reads around it. Pure: the
 * billing rules in one place, tested on their own. Nothing is ever invented:
 *
 * 1. `read`: the nearest real read within `toleranceMs` (24 h) of the edge, as is;
 * 2. `interpolated`: between the nearest reads on both sides, each at most
 *    `maxInterpolateMs` (45 days) from the edge;
 * 3. `extrapolated`: from one side at the rate between the nearest and the farthest
 *    read on that side (a long baseline smooths out nights and weekends), only when
 *    the nearest read is at most `maxExtrapolateMs` (7 days) from the edge and there
 *    are two reads to give a rate (a single read says nothing about the pages since);
 * 4. `partial`: otherwise the device's own read inside the period closest to the edge
 *    (a device installed or removed mid-period): a real number, the period is covered
 *    only from/to that read;
 * 5. `none`: no read in or near the period on this edge.
 */
export interface Point { at: number; value: number }

export interface Side {
  /** Closest read to the edge on this side. */
  near: Point;
  /** Farthest read on this side within the look-around window (may equal near). */
  far: Point;
}

export type EdgeSource = 'read' | 'interpolated' | 'extrapolated' | 'partial' | 'none';

export interface EdgeValue {
  value: number | null;
  /** ISO time of the read used, or of the edge itself when estimated. */
  at: string | null;
  source: EdgeSource;
  estimated: boolean;
}

export interface EdgeRules { toleranceMs: number; maxInterpolateMs: number; maxExtrapolateMs: number }

const HOUR = 3_600_000;
export const DEFAULT_EDGE_RULES: EdgeRules = { toleranceMs: 24 * HOUR, maxInterpolateMs: 45 * 24 * HOUR, maxExtrapolateMs: 7 * 24 * HOUR };

export function edgeValue(edge: number, before: Side | null, after: Side | null, rules: EdgeRules | number = DEFAULT_EDGE_RULES, inside: Point | null = null): EdgeValue {
  const r: EdgeRules = typeof rules === 'number' ? { ...DEFAULT_EDGE_RULES, toleranceMs: rules } : rules;
  const iso = (t: number) => new Date(t).toISOString();
  const candidates = [before?.near, after?.near].filter((p): p is Point => !!p);
  const nearest = candidates.length ? candidates.reduce((a, b) => (Math.abs(b.at - edge) < Math.abs(a.at - edge) ? b : a)) : null;
  if (nearest && Math.abs(nearest.at - edge) <= r.toleranceMs) return { value: nearest.value, at: iso(nearest.at), source: 'read', estimated: false };

  if (before && after && edge - before.near.at <= r.maxInterpolateMs && after.near.at - edge <= r.maxInterpolateMs) {
    const b = before.near;
    const a = after.near;
    const v = a.at === b.at ? b.value : b.value + ((a.value - b.value) * (edge - b.at)) / (a.at - b.at);
    return { value: Math.round(v), at: iso(edge), source: 'interpolated', estimated: true };
  }
  const sides = [before, after].filter((s): s is Side => !!s && s.near.at !== s.far.at && Math.abs(s.near.at - edge) <= r.maxExtrapolateMs)
    .sort((x, y) => Math.abs(x.near.at - edge) - Math.abs(y.near.at - edge));
  const side = sides[0];
  if (side) {
    const [early, late] = side.near.at <= side.far.at ? [side.near, side.far] : [side.far, side.near];
    // A counter that went backwards gives no usable rate: carry the read flat.
    const rate = Math.max(0, (late.value - early.value) / (late.at - early.at));
    const v = side.near.value + rate * (edge - side.near.at);
    return { value: Math.max(0, Math.round(v)), at: iso(edge), source: 'extrapolated', estimated: true };
  }
  if (inside) return { value: inside.value, at: iso(inside.at), source: 'partial', estimated: false };
  return { value: null, at: null, source: 'none', estimated: false };
}
