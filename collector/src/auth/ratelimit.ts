import type { Db } from '../db/types.js';

/**
 * Login rate limiting, in the database so that every collector behind a load
 * balancer counts the same failures: at most 5 failed logins per user name and
 * 30 per client address in 15 minutes. A success clears the name's count.
 */
export const WINDOW_MS = 15 * 60_000;
export const PER_USER = 5;
export const PER_ADDRESS = 30;

const buckets = (username: string, address: string) => [`user:${username.toLowerCase()}`, `addr:${address}`];

/** Minutes to wait, or 0 when a login may be tried now. */
export async function loginWait(db: Db, username: string, address: string, now = Date.now()): Promise<number> {
  const since = new Date(now - WINDOW_MS).toISOString();
  const [u, a] = buckets(username, address);
  const rows = await db.all<{ bucket: string; n: number; first: string }>(
    'SELECT bucket, COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE bucket IN (?, ?) AND at >= ? GROUP BY bucket', [u, a, since]);
  let wait = 0;
  for (const r of rows) {
    const limit = r.bucket === u ? PER_USER : PER_ADDRESS;
    if (Number(r.n) >= limit) wait = Math.max(wait, Math.ceil((Date.parse(r.first) + WINDOW_MS - now) / 60_000));
  }
  return wait;
}

export async function loginFailed(db: Db, username: string, address: string, now = Date.now()): Promise<void> {
  const at = new Date(now).toISOString();
  for (const b of buckets(username, address)) await db.run('INSERT INTO login_failures (bucket, at) VALUES (?, ?)', [b, at]);
  await db.run('DELETE FROM login_failures WHERE at < ?', [new Date(now - WINDOW_MS).toISOString()]);
}

export async function loginSucceeded(db: Db, username: string): Promise<void> {
  await db.run('DELETE FROM login_failures WHERE bucket = ?', [buckets(username, '')[0]]);
}
