/**
 * Days until a consumable is empty. Pure: its level history since the last cartridge
 * change and the device's page counter in, an estimate and the method used out.
 *
 * 1. `trend`: a Theil-Sen fit of level (%) against time over the readings since the
 *    last cartridge change (at least 3 readings spanning at least 2 days, falling).
 *    Days left = the newest level / the fitted fall per day (the newest level, not the
 *    fitted one: a sudden heavy print job shows at once; a wrong low reading errs on the
 *    side of shipping early).
 * 2. `pages`: otherwise, page rate x pages-per-percent: the device's pages per day
 *    (from its total counter over the same readings, or the caller's rate) times the
 *    percent used per page, taken from this cartridge so far or from the last
 *    cartridge's measured yield (pages printed / 100 %).
 * 3. `none`: not enough to say (a new cartridge, a device that does not print).
 * A supply already at 0 % has 0 days left whatever the method.
 */
import { theilSen } from './fit.js';

export interface LevelPoint {
  /** ms since epoch */
  at: number;
  level: number;
  /** Device total page counter at that reading, when known. */
  total?: number | null;
}

export type ForecastMethod = 'trend' | 'pages' | 'empty' | 'none';

export interface Forecast {
  level: number | null;
  /** null: unknown (method none) or not falling. */
  daysLeft: number | null;
  emptyAt: string | null;
  percentPerDay: number | null;
  method: ForecastMethod;
  points: number;
}

export interface ForecastOptions {
  now: number;
  /** Pages per day of the device, when the history's counters cannot tell. */
  pagesPerDay?: number | null;
  /** Pages the previous cartridge of this supply printed (its yield), for pages-per-percent. */
  lastYieldPages?: number | null;
  /** A forecast beyond this many days is reported as this many (a year by default). */
  capDays?: number;
}

const DAY = 86_400_000;
const MIN_POINTS = 3;
const MIN_SPAN = 2 * DAY;

function result(level: number, perDay: number | null, method: ForecastMethod, points: number, o: ForecastOptions): Forecast {
  if (perDay === null || perDay <= 0) return { level, daysLeft: null, emptyAt: null, percentPerDay: perDay, method: perDay === null ? 'none' : method, points };
  const days = Math.min(level / perDay, o.capDays ?? 365);
  return { level, daysLeft: Math.round(days * 10) / 10, emptyAt: new Date(o.now + days * DAY).toISOString(), percentPerDay: perDay, method, points };
}

/** `history` holds the readings since the last cartridge change, any order. */
export function forecastSupply(history: LevelPoint[], o: ForecastOptions): Forecast {
  const pts = [...history].sort((a, b) => a.at - b.at);
  const last = pts[pts.length - 1];
  if (!last) return { level: null, daysLeft: null, emptyAt: null, percentPerDay: null, method: 'none', points: 0 };
  if (last.level <= 0) return { level: 0, daysLeft: 0, emptyAt: new Date(last.at).toISOString(), percentPerDay: null, method: 'empty', points: pts.length };

  if (pts.length >= MIN_POINTS && last.at - pts[0]!.at >= MIN_SPAN) {
    const line = theilSen(pts.map((p) => ({ x: (p.at - pts[0]!.at) / DAY, y: p.level })));
    if (line && line.slope < 0) {
      return result(last.level, -line.slope, 'trend', pts.length, o);
    }
  }

  // Page rate from this history's counters, else the caller's.
  const withTotal = pts.filter((p) => typeof p.total === 'number');
  const first = withTotal[0];
  const lastT = withTotal[withTotal.length - 1];
  let pagesPerDay = o.pagesPerDay ?? null;
  if (first && lastT && lastT.at - first.at >= DAY && lastT.total! >= first.total!) pagesPerDay = (lastT.total! - first.total!) / ((lastT.at - first.at) / DAY);
  // Percent per page: this cartridge's own use so far, else the last cartridge's yield.
  let percentPerPage: number | null = null;
  if (first && lastT && lastT.total! - first.total! > 0 && first.level - lastT.level > 0) percentPerPage = (first.level - lastT.level) / (lastT.total! - first.total!);
  else if (o.lastYieldPages && o.lastYieldPages > 0) percentPerPage = 100 / o.lastYieldPages;
  if (pagesPerDay === null || percentPerPage === null) return result(last.level, null, 'none', pts.length, o);
  return result(last.level, pagesPerDay * percentPerPage, 'pages', pts.length, o);
}
