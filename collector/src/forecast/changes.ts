/**
 * Cartridge changes from a level series. Pure. A level that rises by at least
 * `minRise` points between two consecutive readings is a new cartridge (levels wobble a
 * point or two; a refill or swap jumps). The pages the old cartridge printed is its yield:
 * the total counter at this change minus the counter at the previous change.
 */
import type { LevelPoint } from './forecast.js';

export const MIN_RISE = 10;

export interface CartridgeChange {
  at: number;
  levelBefore: number;
  levelAfter: number;
  totalAtChange: number | null;
}

/**
 * `points` in time order. The rise is measured from the median of the (up to) three
 * readings before, so one glitch reading of 0 % between two normal ones is not a change.
 */
export function detectChanges(points: LevelPoint[], minRise = MIN_RISE): CartridgeChange[] {
  const out: CartridgeChange[] = [];
  const recent: number[] = [];
  let prevAt = -Infinity;
  for (const p of points) {
    if (p.at <= prevAt) continue;
    if (recent.length) {
      const s = [...recent].sort((a, b) => a - b);
      const ref = s[(s.length - 1) >> 1]!;
      if (p.level - ref >= minRise && p.level - recent[recent.length - 1]! >= minRise) {
        out.push({ at: p.at, levelBefore: recent[recent.length - 1]!, levelAfter: p.level, totalAtChange: p.total ?? null });
        recent.length = 0;
      }
    }
    recent.push(p.level);
    if (recent.length > 3) recent.shift();
    prevAt = p.at;
  }
  return out;
}

/** Yield of the cartridge that ended at `change`: pages between the previous change and this one. */
export function cartridgeYield(change: { totalAtChange: number | null }, previous: { totalAtChange: number | null } | null): number | null {
  if (!previous || previous.totalAtChange === null || change.totalAtChange === null) return null;
  const pages = change.totalAtChange - previous.totalAtChange;
  return pages >= 0 ? pages : null;
}
