import type { Db } from '../db/types.js';

export interface SupplyRow {
  customer: string; deviceId: number; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  description: string | null; type: string | null; color: string | null; levelPercent: number | null; state: string | null; readAt: string;
}

/**
 * Supplies to act on, from each device's newest reading: consumables low or empty
 * (by state, or at/below `belowPercent`), waste receptacles almost full or full.
 */
export async function lowSupplies(db: Db, opts: { customer?: string; belowPercent?: number } = {}): Promise<SupplyRow[]> {
  const below = opts.belowPercent ?? 10;
  const rows = await db.all<Record<string, unknown>>(
    `SELECT d.customer, d.id AS device_id, d.vendor, d.model, d.serial, d.mac, s.description, s.type, s.color, s.level_percent, s.state, s.read_at
     FROM supplies s JOIN devices d ON d.id = s.device_id
     WHERE (s.state IN ('low', 'empty', 'almostFull', 'full')
        OR (s.class <> 'receptacle' AND s.level_percent IS NOT NULL AND s.level_percent <= ?))
       ${opts.customer ? 'AND d.customer = ?' : ''}
     ORDER BY d.customer, COALESCE(s.level_percent, 0), d.serial, s.description`,
    opts.customer ? [below, opts.customer] : [below],
  );
  return rows.map((r) => ({
    customer: String(r.customer), deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
    serial: r.serial as string | null, mac: r.mac as string | null, description: r.description as string | null, type: r.type as string | null,
    color: r.color as string | null, levelPercent: r.level_percent === null ? null : Number(r.level_percent), state: r.state as string | null,
    readAt: String(r.read_at),
  }));
}
