import type { Db } from '../db/types.js';

/**
 * The agents (sites) a scope may see, with what their heartbeat carries. The
 * heartbeat's run outcome and spool backlog are read from whichever columns the
 * collector stores them in; absent columns show as unknown.
 */
export interface AgentRow {
  agentId: string; customer: string; version: string | null; lastHeardAt: string | null; enrolledAt: string; revoked: boolean;
  lastAddress: string | null; lastRunOutcome: string | null; lastRunAt: string | null; spoolBacklog: number | null; devices: number;
}

const pick = (r: Record<string, unknown>, ...keys: string[]) => {
  for (const k of keys) if (r[k] !== undefined && r[k] !== null) return r[k];
  return null;
};

/** Where a page of agents ended (the next starts after it): customer, agent id. */
export type AgentCursor = [string, string];
export const encodeAgentCursor = (a: AgentRow): string => Buffer.from(JSON.stringify([a.customer, a.agentId])).toString('base64url');
export function decodeAgentCursor(s: string | null | undefined): AgentCursor | null {
  if (!s || s.length > 1000) return null;
  try {
    const a = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'string' ? [a[0], a[1]] : null;
  } catch {
    return null;
  }
}

/** Agents by customer and id; a page (`limit`, after a cursor) reads the agents it shows (5,000 at once made a 4 MB page). */
export async function listAgents(db: Db, customer: string | undefined, page: { limit?: number; after?: AgentCursor | null } = {}): Promise<AgentRow[]> {
  const w: string[] = [];
  const p: unknown[] = [];
  if (customer !== undefined) { w.push('a.customer = ?'); p.push(customer); }
  if (page.after) { w.push('(a.customer > ? OR (a.customer = ? AND a.agent_id > ?))'); p.push(page.after[0], page.after[0], page.after[1]); }
  const rows = await db.all(
    `SELECT a.*, (SELECT COUNT(*) FROM devices d WHERE d.last_agent_id = a.agent_id) AS device_count FROM agents a
     ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY a.customer, a.agent_id${page.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(page.limit))}` : ''}`, p);
  return rows.map((r) => {
    const backlog = pick(r, 'spool_backlog', 'spool_messages', 'spool_count');
    const str = (...k: string[]) => { const x = pick(r, ...k); return x === null ? null : String(x); };
    return {
      agentId: String(r.agent_id), customer: String(r.customer), version: str('agent_version'), lastHeardAt: str('last_heard_at'),
      enrolledAt: String(r.created_at), revoked: Number(r.revoked) === 1, lastAddress: str('last_address'),
      lastRunOutcome: str('last_run_outcome', 'run_outcome'), lastRunAt: str('last_run_at'),
      spoolBacklog: backlog === null ? null : Number(backlog), devices: Number(r.device_count),
    };
  });
}
