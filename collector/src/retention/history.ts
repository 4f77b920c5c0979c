/**
 * A device's history for charts, from the rollups (kept for ever, cheap at any age):
 * pages per day and per month by counter (difference of consecutive last reads; a counter
 * that went backwards gives no figure, never a negative one), and supply levels per day.
 * Run `amr-collector retention` (or its timer) to keep today's rollup current.
 */
import type { Db } from '../db/types.js';

export interface DeviceHistory {
  daily: { day: string; key: string; pages: number | null; last: number }[];
  monthly: { month: string; key: string; pages: number | null; last: number }[];
  supplies: { day: string; supply: string; level: number }[];
}

const diff = <T extends { key: string; last: number }>(rows: T[]): (T & { pages: number | null })[] => {
  const prev = new Map<string, number>();
  return rows.map((r) => {
    const p = prev.get(r.key);
    prev.set(r.key, r.last);
    return { ...r, pages: p === undefined || r.last < p ? null : r.last - p };
  });
};

export async function deviceHistory(db: Db, deviceId: number, opts: { days?: number; months?: number; now?: Date } = {}): Promise<DeviceHistory> {
  const now = (opts.now ?? new Date()).getTime();
  const fromDay = new Date(now - (opts.days ?? 365) * 86_400_000).toISOString().slice(0, 10);
  const m = new Date(now);
  m.setUTCMonth(m.getUTCMonth() - (opts.months ?? 24));
  const fromMonth = m.toISOString().slice(0, 7);
  const daily = await db.all<{ day: string; key: string; last_value: number }>(
    'SELECT day, key, last_value FROM counter_daily WHERE device_id = ? AND day >= ? ORDER BY day, key', [deviceId, fromDay]);
  const monthly = await db.all<{ month: string; key: string; last_value: number }>(
    'SELECT month, key, last_value FROM counter_monthly WHERE device_id = ? AND month >= ? ORDER BY month, key', [deviceId, fromMonth]);
  const supplies = await db.all<{ day: string; idx: string; last_level: number }>(
    'SELECT day, idx, last_level FROM supply_daily WHERE device_id = ? AND day >= ? ORDER BY day, idx', [deviceId, fromDay]);
  return {
    daily: diff(daily.map((r) => ({ day: r.day, key: r.key, last: Number(r.last_value) }))),
    monthly: diff(monthly.map((r) => ({ month: r.month, key: r.key, last: Number(r.last_value) }))),
    supplies: supplies.map((r) => ({ day: r.day, supply: r.idx, level: Number(r.last_level) })),
  };
}
