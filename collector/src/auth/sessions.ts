import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/types.js';
import { toUser, type User } from './users.js';

/**
 * Sessions live in the database (several stateless collectors may share it).
 * The cookie holds a random id; the table holds only its SHA-256, so a copy of
 * the database does not log anyone in. Each session has its own CSRF token.
 */
export const IDLE_MS = 12 * 3_600_000;
export const MAX_AGE_MS = 7 * 86_400_000;
/** last_seen_at is written at most this often (one write per page view would be wasteful). */
const TOUCH_MS = 60_000;

export interface Session { idHash: string; user: User; csrf: string; tz: string | null }

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createSession(db: Db, userId: number, tz: string | null): Promise<{ id: string; csrf: string }> {
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  await db.run('INSERT INTO sessions (id_hash, user_id, csrf, tz, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)', [sha256(id), userId, csrf, tz, now, now]);
  return { id, csrf };
}

export async function sessionFor(db: Db, id: string | undefined, now = Date.now()): Promise<Session | null> {
  if (!id || id.length > 100) return null;
  const idHash = sha256(id);
  const r = await db.get(
    `SELECT s.csrf, s.tz, s.created_at AS s_created, s.last_seen_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, [idHash]);
  if (!r) return null;
  const seen = Date.parse(String(r.last_seen_at));
  if (now - seen > IDLE_MS || now - Date.parse(String(r.s_created)) > MAX_AGE_MS) {
    await db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
    return null;
  }
  if (now - seen > TOUCH_MS) await db.run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', [new Date(now).toISOString(), idHash]);
  return { idHash, user: toUser(r), csrf: String(r.csrf), tz: (r.tz as string | null) ?? null };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
}

/** Sessions past their idle or absolute age go (called now and then, not on every request). */
export async function pruneSessions(db: Db, now = Date.now()): Promise<void> {
  await db.run('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?',
    [new Date(now - IDLE_MS).toISOString(), new Date(now - MAX_AGE_MS).toISOString()]);
}
