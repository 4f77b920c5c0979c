import type { Db } from '../db/types.js';
import { UserError } from './users.js';

/** Stops an agent: its messages are refused from now on (rekey gives it a new key and lets it in again). */
export async function revokeAgent(db: Db, agentId: string): Promise<void> {
  const r = await db.run('UPDATE agents SET revoked = 1 WHERE agent_id = ?', [agentId]);
  if (r.changes === 0) throw new UserError(`agent "${agentId}" is not enrolled`);
}
