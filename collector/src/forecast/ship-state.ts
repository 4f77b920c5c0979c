/**
 * The list of supplies to ship, kept up to date where its inputs change, so that reading it is an
 * index range scan at any fleet size: one supply_ship row per consumable that is on the list or
 * will be (not shipped, not a waste receptacle), with
 *   due_at:     when it belongs on the list (1970 when the level or the device's state already puts it
 *               there; else the forecast's empty date minus the customer's days). The list is
 *               `due_at <= now`: a forecast coming due needs no write.
 *   sort_at, sort_level: the list's order (soonest empty first, '~' for no forecast; level, -1 unknown).
 * Refreshed in the ingest transaction for the devices a message touched (after the forecast), when a
 * supply is marked shipped, and for a whole customer when its thresholds change (set-based: one read,
 * one delete, batched inserts).
 */
import type { Queryable } from '../db/types.js';
import { chunks, inList } from '../db/sql.js';

export const DEFAULT_SHIP_BELOW_PERCENT = 15;
export const DEFAULT_SHIP_DAYS = 14;
/** due_at of a supply whose level or state puts it on the list now. */
export const DUE_NOW = '1970-01-01T00:00:00.000Z';
/** sort_at of a supply without a forecast (after every ISO date). */
export const NO_FORECAST = '~';


export interface ShipInput {
  level: number | null; state: string | null; emptyAt: string | null; belowPercent: number; days: number;
}

/** When a supply belongs on the list (null: not until something changes). Pure. */
export function dueAt(s: ShipInput): string | null {
  if ((s.level !== null && s.level <= s.belowPercent) || s.state === 'low' || s.state === 'empty') return DUE_NOW;
  if (s.emptyAt === null) return null;
  const t = Date.parse(s.emptyAt);
  return Number.isFinite(t) ? new Date(t - s.days * 86_400_000).toISOString() : null;
}

/** Recomputes the rows of some devices, or of every device of one customer. */
export async function refreshShipState(q: Queryable, scope: { devices: number[] } | { customer: string }): Promise<void> {
  const parts: { where: string; params: unknown[]; del: string }[] = 'customer' in scope
    ? [{ where: 'd.customer = ?', params: [scope.customer], del: 'customer = ?' }]
    : [...chunks([...new Set(scope.devices)], 400)].map((c) => ({ where: `s.device_id IN (${inList(c.length)})`, params: c, del: `device_id IN (${inList(c.length)})` }));
  for (const p of parts) {
    if (!p.params.length) continue;
    await q.run(`DELETE FROM supply_ship WHERE ${p.del}`, p.params);
    const rows = await q.all<Record<string, unknown>>(
      `SELECT s.device_id, s.idx, d.customer, s.level_percent, s.state, f.empty_at, t.ship_below_percent, t.ship_days
       FROM supplies s JOIN devices d ON d.id = s.device_id
         LEFT JOIN supply_forecasts f ON f.device_id = s.device_id AND f.idx = s.idx
         LEFT JOIN supply_shipments sh ON sh.device_id = s.device_id AND sh.idx = s.idx
         LEFT JOIN customer_supply_settings t ON t.customer = d.customer
       WHERE ${p.where} AND sh.device_id IS NULL AND COALESCE(s.class, '') <> 'receptacle'`, p.params);
    const out: unknown[][] = [];
    for (const r of rows) {
      const level = r.level_percent === null || r.level_percent === undefined ? null : Number(r.level_percent);
      const emptyAt = (r.empty_at as string | null) ?? null;
      const due = dueAt({
        level, state: (r.state as string | null) ?? null, emptyAt,
        belowPercent: r.ship_below_percent === null || r.ship_below_percent === undefined ? DEFAULT_SHIP_BELOW_PERCENT : Number(r.ship_below_percent),
        days: r.ship_days === null || r.ship_days === undefined ? DEFAULT_SHIP_DAYS : Number(r.ship_days),
      });
      if (due !== null) out.push([Number(r.device_id), String(r.idx), String(r.customer), due, emptyAt ?? NO_FORECAST, level ?? -1]);
    }
    for (const c of chunks(out, 500)) {
      await q.run(`INSERT INTO supply_ship (device_id, idx, customer, due_at, sort_at, sort_level) VALUES ${c.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
        ON CONFLICT (device_id, idx) DO UPDATE SET customer = excluded.customer, due_at = excluded.due_at, sort_at = excluded.sort_at, sort_level = excluded.sort_level`, c.flat());
    }
  }
}
