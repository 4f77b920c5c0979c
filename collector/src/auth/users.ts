import type { Db } from '../db/types.js';
import { hashPassword, passwordProblem } from './password.js';

export const ROLES = ['admin', 'technician', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  username: string;
  role: Role;
  /** Only for role customer: the one customer this user may see. */
  customer: string | null;
  createdAt: string;
  passwordChangedAt: string;
}

/** A mistake in what was asked (bad name, unknown user): shown as is, one line. */
export class UserError extends Error {}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function toUser(r: Record<string, unknown>): User {
  return {
    id: Number(r.id), username: String(r.username), role: String(r.role) as Role, customer: (r.customer as string | null) ?? null,
    createdAt: String(r.created_at), passwordChangedAt: String(r.password_changed_at),
  };
}

export async function addUser(db: Db, o: { username: string; role: string; customer?: string | null; password: string }): Promise<User> {
  if (!USERNAME.test(o.username)) throw new UserError(`user name "${o.username}" is not valid: use 1-64 letters, digits, ".", "_", "@" or "-"`);
  if (!(ROLES as readonly string[]).includes(o.role)) throw new UserError(`role "${o.role}" is not one of ${ROLES.join(', ')}`);
  const customer = o.customer || null;
  if (o.role === 'customer' && !customer) throw new UserError('a customer user needs --customer CODE (the one customer it may see)');
  if (o.role !== 'customer' && customer) throw new UserError(`--customer is only for role customer; an ${o.role} sees every customer`);
  const bad = passwordProblem(o.password, o.username);
  if (bad) throw new UserError(bad);
  if (customer && !(await db.get('SELECT code FROM customers WHERE code = ?', [customer]))) {
    throw new UserError(`there is no customer "${customer}"; enrol an agent for it first (amr-collector enroll --customer ${customer})`);
  }
  const hash = await hashPassword(o.password);
  const now = new Date().toISOString();
  const row = await db.get(
    `INSERT INTO users (username, role, customer, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (username) DO NOTHING RETURNING *`, [o.username, o.role, customer, hash, now, now]);
  if (!row) throw new UserError(`user "${o.username}" already exists; use "user passwd" to change the password`);
  return toUser(row);
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.all('SELECT * FROM users ORDER BY username')).map(toUser);
}

export async function findUser(db: Db, username: string): Promise<(User & { passwordHash: string }) | null> {
  const r = await db.get('SELECT * FROM users WHERE username = ?', [username]);
  return r ? { ...toUser(r), passwordHash: String(r.password_hash) } : null;
}

export async function userById(db: Db, id: number): Promise<User | null> {
  const r = await db.get('SELECT * FROM users WHERE id = ?', [id]);
  return r ? toUser(r) : null;
}

/** Removes a user with its sessions and API tokens. Refuses to remove the last admin. */
export async function removeUser(db: Db, username: string): Promise<void> {
  await db.tx(async (q) => {
    const u = await q.get('SELECT id, role FROM users WHERE username = ?', [username]);
    if (!u) throw new UserError(`no user "${username}"; see "amr-collector user list"`);
    if (u.role === 'admin') {
      const admins = await q.get<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'");
      if (Number(admins!.n) <= 1) throw new UserError(`"${username}" is the last admin; add another admin first`);
    }
    await q.run('DELETE FROM sessions WHERE user_id = ?', [u.id]);
    await q.run('DELETE FROM api_tokens WHERE user_id = ?', [u.id]);
    await q.run('DELETE FROM users WHERE id = ?', [u.id]);
  });
}

/** Sets a new password; every session of the user ends (API tokens stay: they are revoked on their own). */
export async function setPassword(db: Db, username: string, password: string): Promise<void> {
  const bad = passwordProblem(password, username);
  if (bad) throw new UserError(bad);
  const hash = await hashPassword(password);
  await db.tx(async (q) => {
    const u = await q.get('SELECT id FROM users WHERE username = ?', [username]);
    if (!u) throw new UserError(`no user "${username}"; see "amr-collector user list"`);
    await q.run('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?', [hash, new Date().toISOString(), u.id]);
    await q.run('DELETE FROM sessions WHERE user_id = ?', [u.id]);
  });
}
