import { randomBytes } from 'node:crypto';
import { agentKeyBox } from './agent-keys.js';
import type { Db } from './db/types.js';

export class EnrollError extends Error {}

const CUSTOMER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const AGENT = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export interface Enrollment {
  customer: string;
  agentId: string;
  /** The secret the agent signs with. Shown once, to be put in the customer's config.ini. */
  key: string;
}

/** Creates an agent for a customer (and the customer if new) with a fresh random key. */
export async function enroll(db: Db, customer: string, agentId?: string): Promise<Enrollment> {
  if (!CUSTOMER.test(customer)) throw new EnrollError(`customer code "${customer}" is not valid: use 1-64 letters, digits, ".", "_" or "-"`);
  const id = agentId ?? `${customer.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  if (!AGENT.test(id)) throw new EnrollError(`agent id "${id}" is not valid: use 1-128 letters, digits, ".", "_", ":", "@" or "-"`);
  const key = randomBytes(32).toString('base64url');
  const sealed = (await agentKeyBox(db)).seal(key);
  const now = new Date().toISOString();
  await db.tx(async (q) => {
    await q.run('INSERT INTO customers (code, created_at) VALUES (?, ?) ON CONFLICT (code) DO NOTHING', [customer, now]);
    const taken = await q.get('SELECT customer FROM agents WHERE agent_id = ?', [id]);
    if (taken) throw new EnrollError(`agent id "${id}" is already enrolled (customer ${String(taken.customer)}); choose another --agent-id or use "rekey"`);
    await q.run('INSERT INTO agents (agent_id, customer, agent_key, created_at) VALUES (?, ?, ?, ?)', [id, customer, sealed, now]);
  });
  return { customer, agentId: id, key };
}

/** Replaces an agent's key (lost PC, leaked config): the old key stops working at once. */
export async function rekey(db: Db, agentId: string): Promise<Enrollment> {
  const key = randomBytes(32).toString('base64url');
  const row = await db.get<{ customer: string }>('SELECT customer FROM agents WHERE agent_id = ?', [agentId]);
  if (!row) throw new EnrollError(`agent "${agentId}" is not enrolled; see "amr-collector fleet" for the agents there are`);
  await db.run('UPDATE agents SET agent_key = ?, revoked = 0 WHERE agent_id = ?', [(await agentKeyBox(db)).seal(key), agentId]);
  return { customer: row.customer, agentId, key };
}

/** The config.ini lines for the customer's PC (keys as in the agent's src/config/schema.ts). */
export function configSnippet(e: Enrollment, urls: string[]): string {
  return [
    '[agent]',
    `customer = ${e.customer}`,
    `id = ${e.agentId}`,
    '',
    '[server]',
    `urls = ${urls.join(', ')}`,
    `agent_key = ${e.key}`,
    ...(urls.some((u) => u.startsWith('http:')) ? ['allow_http = true'] : []),
    '',
  ].join('\n');
}
