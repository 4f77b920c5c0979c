/**
 * The console's test world: the fleet of helpers/fleet.ts (ACME-0001 with five
 * devices, OTHER-0002 with one), a device never read in or near March 2025 (G-1:
 * one read in 2024, failed reads since), a device whose agent data is hostile (markup, script, control and bidi
 * characters), and one user per role.
 */
import { addUser } from '../../src/auth/users.js';
import type { Collector } from '../../src/index.js';
import { sendFleet } from './fleet.js';
import { message, post, reading, type Agent } from './client.js';

export const PASSWORDS = { admin: 'admin-password-1', tech: 'tech-password-1', acme: 'acme-password-1', other: 'other-password-1' } as const;
export const HOSTILE_MODEL = '<script>alert(1)</script><img src=x onerror=alert(2)>';
export const HOSTILE_LOCATION = 'Floor\u001b[31m 2\u202eevil\u0007';

export interface World { acme: Agent; other: Agent }

export async function seedConsole(c: Collector): Promise<World> {
  const acme = { ...(await c.enroll('ACME-0001', 'acme-pc')), customer: 'ACME-0001' };
  const other = { ...(await c.enroll('OTHER-0002', 'other-pc')), customer: 'OTHER-0002' };
  await sendFleet(c.url, acme, other);
  // G-1 was read once, long before the billing period (March 2025), and has not answered since.
  const g = { serial: 'G-1', vendor: 'Ricoh', model: 'MP C3003', mac: 'aa:bb:cc:00:00:1a' };
  const neverOk = reading({ ...g, readAt: '2024-06-01T10:00:00Z', counters: { total: 777 } });
  const never = reading({ ...g, readAt: '2025-04-09T10:00:00Z', ok: false, error: 'timeout' });
  const hostile = reading({ serial: 'H-1', vendor: 'Evil"Corp', model: HOSTILE_MODEL, mac: 'aa:bb:cc:00:00:1b', readAt: '2025-04-09T10:00:00Z', counters: { total: 1234567 } });
  (hostile.identity as Record<string, unknown>).location = HOSTILE_LOCATION;
  const r = await post(c.url, acme, message(acme, [neverOk, never, hostile]));
  if (r.status !== 200) throw new Error(`seed refused: ${r.status} ${JSON.stringify(r.body)}`);
  await addUser(c.db, { username: 'admin', role: 'admin', password: PASSWORDS.admin });
  await addUser(c.db, { username: 'tech', role: 'technician', password: PASSWORDS.tech });
  await addUser(c.db, { username: 'acme', role: 'customer', customer: 'ACME-0001', password: PASSWORDS.acme });
  await addUser(c.db, { username: 'other', role: 'customer', customer: 'OTHER-0002', password: PASSWORDS.other });
  return { acme, other };
}

export async function deviceId(c: Collector, serial: string): Promise<number> {
  const row = await c.db.get<{ id: number }>('SELECT id FROM devices WHERE serial = ?', [serial]);
  if (!row) throw new Error(`no device ${serial}`);
  return Number(row.id);
}

export interface Answer { status: number; body: any; text: string; headers: Headers }

export async function call(url: string, opts: { token?: string; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: opts.method ?? 'GET', redirect: 'manual', body: opts.body,
    headers: { ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
  });
  const text = await res.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { body = null; }
  return { status: res.status, body, text, headers: res.headers };
}
