import { randomBytes } from 'node:crypto';
import type { Db } from '../db/types.js';
import { sha256 } from './sessions.js';
import { toUser, UserError, type User } from './users.js';

/**
 * Per-user API tokens: `amr_` + 32 random bytes, shown once; the database keeps
 * their SHA-256 only. A token acts with its user's role and customer.
 */
export interface ApiToken { id: number; name: string; createdAt: string; lastUsedAt: string | null }

const NAME = /^[^\u0000-\u001f\u007f]{1,64}$/;

export async function createToken(db: Db, userId: number, name: string): Promise<{ token: string; id: number }> {
  if (!NAME.test(name)) throw new UserError('a token name is 1-64 printable characters');
  const token = `amr_${randomBytes(32).toString('base64url')}`;
  const row = await db.get<{ id: number }>('INSERT INTO api_tokens (user_id, token_hash, name, created_at) VALUES (?, ?, ?, ?) RETURNING id',
    [userId, sha256(token), name, new Date().toISOString()]);
  return { token, id: Number(row!.id) };
}

export async function listTokens(db: Db, userId: number): Promise<ApiToken[]> {
  const rows = await db.all('SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY created_at', [userId]);
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name), createdAt: String(r.created_at), lastUsedAt: (r.last_used_at as string | null) ?? null }));
}

/** Revokes one of the user's own tokens; false when there is no such token of theirs. */
export async function revokeToken(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db.run('DELETE FROM api_tokens WHERE id = ? AND user_id = ?', [id, userId])).changes > 0;
}

export async function userForToken(db: Db, token: string): Promise<User | null> {
  if (!/^amr_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const h = sha256(token);
  const r = await db.get('SELECT u.*, t.id AS token_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?', [h]);
  if (!r) return null;
  const now = new Date();
  if (!r.last_used_at || now.getTime() - Date.parse(String(r.last_used_at)) > 60_000) {
    await db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [now.toISOString(), r.token_id]);
  }
  return toUser(r);
}
