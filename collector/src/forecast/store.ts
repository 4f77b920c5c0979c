/**
 * Storage side of the forecast, run inside the ingest transaction: every consumable
 * level reading goes to supply_levels, a level that jumps up is recorded as a cartridge
 * change (with the yield of the cartridge it replaced, and clearing a "shipped" mark),
 * and the forecast of each supply the message touched is recomputed.
 */
import type { Queryable } from '../db/types.js';
import type { ReceivedReading as WireReading } from '@amr/protocol';
import { cartridgeYield, detectChanges } from './changes.js';
import { forecastSupply, type LevelPoint } from './forecast.js';
import { chunks, inList } from '../db/sql.js';

/** Readings older than this do not shape the forecast (a slow cartridge's trend is stable within it). */
export const FORECAST_WINDOW_DAYS = 60;


type Key = string; // device \0 idx
const key = (dev: number, idx: string): Key => `${dev}\u0000${idx}`;

/** Consumable level points of a message, per device and supply, in time order. */
export function levelPoints(readings: WireReading[], devices: (number | null)[]): Map<Key, { dev: number; idx: string; points: LevelPoint[] }> {
  const out = new Map<Key, { dev: number; idx: string; points: LevelPoint[] }>();
  readings.forEach((r, i) => {
    const dev = devices[i];
    if (!r.ok || dev === null || dev === undefined) return;
    const at = Date.parse(r.readAt);
    const total = r.counters.total?.value ?? null;
    const seen = new Set<string>();
    for (const s of r.supplies) {
      if (s.levelPercent === null || s.class === 'receptacle' || seen.has(s.index)) continue;
      seen.add(s.index);
      const k = key(dev, s.index);
      const e = out.get(k) ?? { dev, idx: s.index, points: [] };
      e.points.push({ at, level: Math.round(s.levelPercent), total });
      out.set(k, e);
    }
  });
  for (const e of out.values()) e.points.sort((a, b) => a.at - b.at);
  return out;
}

export async function recordSupplyLevels(q: Queryable, readings: WireReading[], devices: (number | null)[], now = Date.now()): Promise<void> {
  const series = levelPoints(readings, devices);
  if (!series.size) return;
  const devs = [...new Set([...series.values()].map((s) => s.dev))];

  // Only levels that moved (plus one a day while steady): agents read several times a day and a toner
  // moves a point every day or so, so this keeps supply_levels several times smaller with the same fit.
  const latest = new Map<Key, { at: number; level: number }>();
  for (const c of chunks(devs, 400)) {
    for (const r of await q.all<{ device_id: number; idx: string; level_percent: number | null; read_at: string }>(
      `SELECT device_id, idx, level_percent, read_at FROM supplies WHERE device_id IN (${inList(c.length)})`, c)) {
      if (r.level_percent !== null) latest.set(key(Number(r.device_id), r.idx), { at: Date.parse(r.read_at), level: Number(r.level_percent) });
    }
  }
  const rows: unknown[][] = [];
  for (const [k, s] of series) {
    let prev = latest.get(k);
    if (prev && prev.at >= s.points[0]!.at) prev = undefined; // late or out-of-order delivery: keep everything
    for (const p of s.points) {
      if (prev && p.level === prev.level && p.at - prev.at < 86_400_000) continue;
      rows.push([s.dev, s.idx, new Date(p.at).toISOString(), p.level, p.total ?? null]);
      prev = p;
    }
  }
  if (!rows.length) return;
  for (const c of chunks(rows, 400)) {
    await q.run(`INSERT INTO supply_levels (device_id, idx, read_at, level_percent, total) VALUES ${c.map(() => '(?, ?, ?, ?, ?)').join(', ')}
      ON CONFLICT (device_id, idx, read_at) DO NOTHING`, c.flat());
  }

  // The last recorded change of each touched supply.
  const lastChange = new Map<Key, { at: string; total: number | null; yieldPages: number | null }>();
  for (const c of chunks(devs, 400)) {
    for (const r of await q.all<{ device_id: number; idx: string; changed_at: string; total_at_change: number | null; pages_printed: number | null }>(
      `SELECT device_id, idx, changed_at, total_at_change, pages_printed FROM cartridge_changes c
       WHERE device_id IN (${inList(c.length)}) AND changed_at = (SELECT MAX(changed_at) FROM cartridge_changes c2 WHERE c2.device_id = c.device_id AND c2.idx = c.idx)`, c)) {
      lastChange.set(key(Number(r.device_id), r.idx), { at: r.changed_at, total: r.total_at_change === null ? null : Number(r.total_at_change), yieldPages: r.pages_printed === null ? null : Number(r.pages_printed) });
    }
  }
  const computedAt = new Date(now).toISOString();

  // Every touched supply's history in one read per 400 devices (from the oldest window any of them needs), then
  // the fits in memory and one multi-row upsert: a message costs a few round trips, not a few per supply.
  const oldest = Math.min(...[...series.values()].map((s) => s.points[0]!.at)) - FORECAST_WINDOW_DAYS * 86_400_000;
  const history = new Map<Key, { read_at: string; level_percent: number; total: number | null }[]>();
  for (const c of chunks(devs, 400)) {
    for (const r of await q.all<{ device_id: number; idx: string; read_at: string; level_percent: number; total: number | null }>(
      `SELECT device_id, idx, read_at, level_percent, total FROM supply_levels WHERE device_id IN (${inList(c.length)}) AND read_at >= ? ORDER BY device_id, idx, read_at`,
      [...c, new Date(oldest).toISOString()])) {
      const k = key(Number(r.device_id), r.idx);
      if (!series.has(k)) continue;
      const h = history.get(k) ?? [];
      h.push(r);
      history.set(k, h);
    }
  }
  const out: unknown[][] = [];
  const changes: unknown[][] = [];
  for (const [k, s] of series) {
    let h = history.get(k);
    if (!h?.length) {
      // A level steady for longer than the window (nothing stored in it): the supply's own newest window, as before batching.
      const newest = await q.get<{ read_at: string | null }>('SELECT MAX(read_at) AS read_at FROM supply_levels WHERE device_id = ? AND idx = ?', [s.dev, s.idx]);
      if (!newest?.read_at) continue;
      h = await q.all('SELECT read_at, level_percent, total FROM supply_levels WHERE device_id = ? AND idx = ? AND read_at >= ? ORDER BY read_at',
        [s.dev, s.idx, new Date(Date.parse(newest.read_at) - FORECAST_WINDOW_DAYS * 86_400_000).toISOString()]);
    }
    out.push(refresh(s.dev, s.idx, h, lastChange.get(k) ?? null, computedAt, changes));
  }
  // Cartridge changes found (one row each) and the shipped marks they use up, a few statements a message.
  for (const c of chunks(changes, 200)) {
    await q.run(`INSERT INTO cartridge_changes (device_id, idx, changed_at, level_before, level_after, total_at_change, pages_printed)
      VALUES ${c.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (device_id, idx, changed_at) DO NOTHING`, c.flat());
  }
  // A new cartridge is in: what was shipped for the old one is used up (the newest change of each supply covers the earlier ones).
  const newestChange = new Map<Key, [number, string, string]>();
  for (const [dev, idx, at] of changes as [number, string, string][]) {
    const cur = newestChange.get(key(dev, idx));
    if (!cur || cur[2] < at) newestChange.set(key(dev, idx), [dev, idx, at]);
  }
  for (const c of chunks([...newestChange.values()], 200)) {
    await q.run(`DELETE FROM supply_shipments WHERE ${c.map(() => '(device_id = ? AND idx = ? AND shipped_at <= ?)').join(' OR ')}`, c.flat());
  }
  for (const c of chunks(out, 300)) {
    await q.run(`INSERT INTO supply_forecasts (device_id, idx, computed_at, level_percent, days_left, empty_at, percent_per_day, method, points, since)
      VALUES ${c.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
      ON CONFLICT (device_id, idx) DO UPDATE SET computed_at = excluded.computed_at, level_percent = excluded.level_percent, days_left = excluded.days_left,
        empty_at = excluded.empty_at, percent_per_day = excluded.percent_per_day, method = excluded.method, points = excluded.points, since = excluded.since`, c.flat());
  }
}

/** The device's pages per day over the window's readings (null under a day of data). */
function pageRate(rows: { read_at: string; total: number | null }[]): number | null {
  const t = rows.filter((r) => r.total !== null);
  const a = t[0];
  const b = t[t.length - 1];
  if (!a || !b) return null;
  const days = (Date.parse(b.read_at) - Date.parse(a.read_at)) / 86_400_000;
  return days >= 1 && Number(b.total) >= Number(a.total) ? (Number(b.total) - Number(a.total)) / days : null;
}

/**
 * The supply's history since its last change (within the window of its newest reading): adds any
 * new change found in it to `changes` (a reading that arrived late is placed where it belongs; the
 * caller stores them) and returns the forecast row as of the newest reading (emptyAt is absolute;
 * lists compare it with the clock). Pure.
 */
function refresh(dev: number, idx: string, all: { read_at: string; level_percent: number; total: number | null }[],
  last: { at: string; total: number | null; yieldPages: number | null } | null, computedAt: string, changes: unknown[][]): unknown[] {
  const now = Date.parse(all[all.length - 1]!.read_at);
  const windowStart = new Date(now - FORECAST_WINDOW_DAYS * 86_400_000).toISOString();
  const since = last && last.at > windowStart ? last.at : windowStart;
  const rows = all.filter((h) => h.read_at >= since);
  let hist: LevelPoint[] = rows.map((h) => ({ at: Date.parse(h.read_at), level: Number(h.level_percent), total: h.total === null ? null : Number(h.total) }));
  let change = last;
  for (const ch of detectChanges(hist)) {
    const changedAt = new Date(ch.at).toISOString();
    if (change && changedAt <= change.at) continue;
    const pages = cartridgeYield(ch, change ? { totalAtChange: change.total } : null);
    changes.push([dev, idx, changedAt, ch.levelBefore, ch.levelAfter, ch.totalAtChange, pages]);
    change = { at: changedAt, total: ch.totalAtChange, yieldPages: pages ?? change?.yieldPages ?? null };
  }
  if (change && change !== last) hist = hist.filter((p) => p.at >= Date.parse(change!.at));
  const f = forecastSupply(hist, { now, lastYieldPages: change?.yieldPages ?? null, pagesPerDay: pageRate(rows) });
  return [dev, idx, computedAt, f.level, f.daysLeft, f.emptyAt, f.percentPerDay, f.method, f.points, change?.at ?? null];
}
