import type { Db } from '../db/types.js';

export interface AlertRow {
  customer: string; deviceId: number; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  severity: string | null; code: number | null; codeName: string | null; description: string | null; since: string; readAt: string;
}

/** Alerts present in each device's newest reading, critical first. */
export async function openAlerts(db: Db, opts: { customer?: string } = {}): Promise<AlertRow[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT d.customer, d.id AS device_id, d.vendor, d.model, d.serial, d.mac, a.severity, a.code, a.code_name, a.description, a.first_seen_at, a.read_at
     FROM alerts a JOIN devices d ON d.id = a.device_id
     ${opts.customer ? 'WHERE d.customer = ?' : ''}
     ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, d.customer, a.first_seen_at`,
    opts.customer ? [opts.customer] : [],
  );
  return rows.map((r) => ({
    customer: String(r.customer), deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
    serial: r.serial as string | null, mac: r.mac as string | null, severity: r.severity as string | null,
    code: r.code === null ? null : Number(r.code), codeName: r.code_name as string | null, description: r.description as string | null,
    since: String(r.first_seen_at), readAt: String(r.read_at),
  }));
}
