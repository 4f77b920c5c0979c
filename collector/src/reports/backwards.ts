import type { Db } from '../db/types.js';

export interface BackwardsRow {
  customer: string; deviceId: number; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  counter: string; before: number; beforeAt: string; after: number; afterAt: string;
}

/**
 * Counters that went backwards between two consecutive reads of a device:
 * a replaced controller board, a reset, or a mix-up of devices. Billing needs a look.
 */
export async function countersBackwards(db: Db, opts: { customer?: string; days?: number; now?: Date; limit?: number } = {}): Promise<BackwardsRow[]> {
  const since = new Date((opts.now ?? new Date()).getTime() - (opts.days ?? 92) * 86_400_000).toISOString();
  // Kept at ingest (backwards-state.ts): the pairs of the window by the read_at index, whatever the number of reads.
  const rows = await db.all<Record<string, unknown>>(
    `SELECT d.customer, d.id AS device_id, d.vendor, d.model, d.serial, d.mac, t.key, t.prev_value, t.prev_read_at, t.value, t.read_at
     FROM counter_backwards t JOIN devices d ON d.id = t.device_id
     WHERE t.read_at >= ?${opts.customer ? ' AND d.customer = ?' : ''}
     ORDER BY d.customer, t.read_at, t.device_id, t.key${opts.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(opts.limit))}` : ''}`,
    opts.customer ? [since, opts.customer] : [since],
  );
  return rows.map((r) => ({
    customer: String(r.customer), deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
    serial: r.serial as string | null, mac: r.mac as string | null, counter: String(r.key),
    before: Number(r.prev_value), beforeAt: String(r.prev_read_at), after: Number(r.value), afterAt: String(r.read_at),
  }));
}
