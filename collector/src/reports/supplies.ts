import type { Queryable } from '../db/types.js';

export interface SupplyRow {
  customer: string; deviceId: number; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  /** The supply's index on the device (with customer, level and device: where the next page starts). */
  supply: string;
  description: string | null; type: string | null; color: string | null; levelPercent: number | null; state: string | null; readAt: string;
}

/** Where a page ended: (customer, level or -1, device, supply). */
export interface LowCursor { customer: string; level: number; deviceId: number; idx: string }
export const lowCursor = (r: SupplyRow): LowCursor => ({ customer: r.customer, level: r.levelPercent ?? -1, deviceId: r.deviceId, idx: r.supply });
export const encodeLowCursor = (c: LowCursor): string => Buffer.from(JSON.stringify([c.customer, c.level, c.deviceId, c.idx])).toString('base64url');
export function decodeLowCursor(s: string | null | undefined): LowCursor | null {
  if (!s || s.length > 1000) return null;
  try {
    const a = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(a) || a.length !== 4 || typeof a[0] !== 'string' || !Number.isInteger(a[1]) || !Number.isInteger(a[2]) || typeof a[3] !== 'string') return null;
    return { customer: a[0], level: a[1] as number, deviceId: a[2] as number, idx: a[3] };
  } catch {
    return null;
  }
}

/**
 * Supplies to act on, from each device's newest reading: consumables low or empty
 * (by state, or at/below `belowPercent`), waste receptacles almost full or full. By customer,
 * lowest level first (unknown levels first), in the order of the supplies_customer_level index, so
 * a page (`limit`, `after`) is an index range scan at any fleet size. SQLite is told the index: its
 * planner otherwise reads every low supply through the state and level indexes and sorts them (1 s
 * for the first 100 of 30,000 at 100,000 printers, bench/console; 1 ms by the index).
 */
export async function lowSupplies(db: Queryable & { dialect?: 'sqlite' | 'postgres' }, opts: { customer?: string; belowPercent?: number; limit?: number; after?: LowCursor | null } = {}): Promise<SupplyRow[]> {
  const below = opts.belowPercent ?? 10;
  const where = [`(s.state IN ('low', 'empty', 'almostFull', 'full')
        OR (s.class <> 'receptacle' AND s.level_percent IS NOT NULL AND s.level_percent <= ?))`];
  const p: unknown[] = [below];
  if (opts.customer) { where.push('s.customer = ?'); p.push(opts.customer); }
  if (opts.after) {
    where.push('(s.customer, COALESCE(s.level_percent, -1), s.device_id, s.idx) > (?, ?, ?, ?)');
    p.push(opts.after.customer, opts.after.level, opts.after.deviceId, opts.after.idx);
  }
  const rows = await db.all<Record<string, unknown>>(
    `SELECT s.customer, d.id AS device_id, d.vendor, d.model, d.serial, d.mac, s.idx, s.description, s.type, s.color, s.level_percent, s.state, s.read_at
     FROM supplies s${db.dialect === 'sqlite' ? ' INDEXED BY supplies_customer_level' : ''} JOIN devices d ON d.id = s.device_id
     WHERE ${where.join(' AND ')}
     ORDER BY s.customer, COALESCE(s.level_percent, -1), s.device_id, s.idx
     ${opts.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(opts.limit))}` : ''}`, p);
  return rows.map((r) => ({
    customer: String(r.customer), deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
    serial: r.serial as string | null, mac: r.mac as string | null, supply: String(r.idx), description: r.description as string | null, type: r.type as string | null,
    color: r.color as string | null, levelPercent: r.level_percent === null ? null : Number(r.level_percent), state: r.state as string | null,
    readAt: String(r.read_at),
  }));
}
