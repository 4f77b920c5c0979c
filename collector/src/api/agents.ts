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

export async function listAgents(db: Db, customer: string | undefined): Promise<AgentRow[]> {
  const rows = await db.all(
    `SELECT a.*, (SELECT COUNT(*) FROM devices d WHERE d.last_agent_id = a.agent_id) AS device_count FROM agents a
     ${customer !== undefined ? 'WHERE a.customer = ?' : ''} ORDER BY a.customer, a.agent_id`, customer !== undefined ? [customer] : []);
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
