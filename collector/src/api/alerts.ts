import { createHash } from 'node:crypto';
import type { Db } from '../db/types.js';

/**
 * Open alerts (those in each device's newest reading) with their acknowledgement.
 * An alert's id names the device and the occurrence (the alert and when it was
 * first seen): when it clears and comes back it is a new alert, unacknowledged.
 */
export interface OpenAlert {
  id: string; deviceId: number; customer: string; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  severity: string | null; code: number | null; codeName: string | null; description: string | null; since: string; readAt: string;
  ackedBy: string | null; ackedAt: string | null;
}

export const alertId = (deviceId: number, idx: string, firstSeen: string) =>
  `${deviceId}.${createHash('sha256').update(`${idx}\u0000${firstSeen}`).digest('base64url').slice(0, 16)}`;

export async function openAlerts(db: Db, customer: string | undefined, deviceId?: number): Promise<OpenAlert[]> {
  const w: string[] = [];
  const p: unknown[] = [];
  if (customer !== undefined) { w.push('d.customer = ?'); p.push(customer); }
  if (deviceId !== undefined) { w.push('a.device_id = ?'); p.push(deviceId); }
  const rows = await db.all(
    `SELECT a.device_id, a.idx, a.severity, a.code, a.code_name, a.description, a.first_seen_at, a.read_at,
       d.customer, d.vendor, d.model, d.serial, d.mac, k.acked_by, k.acked_at
     FROM alerts a JOIN devices d ON d.id = a.device_id
     LEFT JOIN alert_acks k ON k.device_id = a.device_id AND k.idx = a.idx AND k.first_seen_at = a.first_seen_at
     ${w.length ? `WHERE ${w.join(' AND ')}` : ''}
     ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, d.customer, a.first_seen_at, a.device_id
     LIMIT 5000`, p);
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    id: alertId(Number(r.device_id), String(r.idx), String(r.first_seen_at)), deviceId: Number(r.device_id), customer: String(r.customer),
    vendor: str(r.vendor), model: str(r.model), serial: str(r.serial), mac: str(r.mac), severity: str(r.severity),
    code: r.code === null || r.code === undefined ? null : Number(r.code), codeName: str(r.code_name), description: str(r.description),
    since: String(r.first_seen_at), readAt: String(r.read_at), ackedBy: str(r.acked_by), ackedAt: str(r.acked_at),
  }));
}

/** Acknowledges one open alert the scope may see; null when there is no such alert (404). */
export async function acknowledgeAlert(db: Db, id: string, customer: string | undefined, by: string): Promise<OpenAlert | null> {
  const m = /^(\d{1,15})\.[A-Za-z0-9_-]{16}$/.exec(id);
  if (!m) return null;
  const devId = Number(m[1]);
  const found = (await openAlerts(db, customer, devId)).find((a) => a.id === id);
  if (!found) return null;
  const rows = await db.all<{ idx: string; first_seen_at: string }>('SELECT idx, first_seen_at FROM alerts WHERE device_id = ? AND first_seen_at = ?', [devId, found.since]);
  const hit = rows.find((a) => alertId(devId, String(a.idx), String(a.first_seen_at)) === id);
  if (!hit) return null;
  const at = new Date().toISOString();
  await db.run(`INSERT INTO alert_acks (device_id, idx, first_seen_at, acked_by, acked_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (device_id, idx, first_seen_at) DO NOTHING`, [devId, hit.idx, hit.first_seen_at, by, at]);
  return { ...found, ackedBy: found.ackedBy ?? by, ackedAt: found.ackedAt ?? at };
}
