import type { Db, Queryable } from '../db/types.js';

/** What admins (and technicians acknowledging alerts) changed: who, what, on what, from where. Never a secret. */
export interface AuditEntry { at: string; actor: string; action: string; target: string | null; detail: string | null; address: string | null }

export async function audit(db: Queryable, e: Omit<AuditEntry, 'at'>): Promise<void> {
  await db.run('INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)',
    [new Date().toISOString(), e.actor, e.action, e.target, e.detail, e.address]);
}

export async function auditLog(db: Db, limit = 500): Promise<AuditEntry[]> {
  const rows = await db.all('SELECT at, actor, action, target, detail, address FROM audit_log ORDER BY id DESC LIMIT ?', [limit]);
  return rows.map((r) => ({
    at: String(r.at), actor: String(r.actor), action: String(r.action), target: (r.target as string | null) ?? null,
    detail: (r.detail as string | null) ?? null, address: (r.address as string | null) ?? null,
  }));
}
