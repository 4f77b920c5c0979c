import type { Db } from '../db/types.js';

export interface StaleRow {
  kind: 'agent' | 'device'; customer: string; id: string; name: string; lastHeardAt: string | null; hours: number | null;
}

/** Agents and devices not heard from in `hours` (never heard counts as stale). */
export async function stale(db: Db, opts: { customer?: string; hours?: number; now?: Date } = {}): Promise<StaleRow[]> {
  const now = (opts.now ?? new Date()).getTime();
  const cutoff = new Date(now - (opts.hours ?? 24) * 3_600_000).toISOString();
  const c = opts.customer ? ' AND customer = ?' : '';
  const p = opts.customer ? [cutoff, opts.customer] : [cutoff];
  const agents = await db.all<Record<string, unknown>>(
    `SELECT agent_id, customer, agent_version, last_heard_at FROM agents WHERE revoked = 0 AND (last_heard_at IS NULL OR last_heard_at < ?)${c} ORDER BY customer, agent_id`, p);
  const devices = await db.all<Record<string, unknown>>(
    `SELECT id, customer, vendor, model, serial, mac, last_read_at FROM devices WHERE merged_into IS NULL AND (last_read_at IS NULL OR last_read_at < ?)${c} ORDER BY customer, last_read_at`, p);
  const age = (t: unknown) => (t ? Math.floor((now - Date.parse(String(t))) / 3_600_000) : null);
  return [
    ...agents.map((r): StaleRow => ({
      kind: 'agent', customer: String(r.customer), id: String(r.agent_id), name: `agent ${String(r.agent_id)} (${(r.agent_version as string) ?? 'never connected'})`,
      lastHeardAt: (r.last_heard_at as string) ?? null, hours: age(r.last_heard_at),
    })),
    ...devices.map((r): StaleRow => ({
      kind: 'device', customer: String(r.customer), id: String(r.serial ?? r.mac ?? r.id),
      name: [r.vendor, r.model].filter(Boolean).join(' ') || 'device',
      lastHeardAt: (r.last_read_at as string) ?? null, hours: age(r.last_read_at),
    })),
  ];
}
