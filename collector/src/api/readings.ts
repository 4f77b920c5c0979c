import type { Db } from '../db/types.js';

/** A device's stored readings, newest first, as the agent sent them. */
export async function deviceReadings(db: Db, id: number, o: { from?: string; to?: string; limit: number }): Promise<unknown[]> {
  const w = ['device_id = ?'];
  const p: unknown[] = [id];
  if (o.from) { w.push('read_at >= ?'); p.push(o.from); }
  if (o.to) { w.push('read_at < ?'); p.push(o.to); }
  const rows = await db.all(`SELECT id, read_at, received_at, agent_id, ok, reason, payload FROM readings WHERE ${w.join(' AND ')} ORDER BY read_at DESC, id DESC LIMIT ?`, [...p, o.limit]);
  return rows.map((r) => {
    let reading: unknown = null;
    try { reading = JSON.parse(String(r.payload)); } catch { reading = null; }
    return { id: Number(r.id), readAt: String(r.read_at), receivedAt: String(r.received_at), agentId: String(r.agent_id), ok: Number(r.ok) === 1, reason: r.reason ?? null, reading };
  });
}
