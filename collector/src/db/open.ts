import { resolve } from 'node:path';
import { migrate } from './migrations.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import type { Db } from './types.js';

export class DbUrlError extends Error {}

/**
 * `sqlite:/path/file.db`, `sqlite::memory:`, a bare file path, or
 * `postgres://user:pass@host:port/db` (also `postgresql://`).
 */
export async function openDb(url: string): Promise<Db> {
  let db: Db;
  if (/^postgres(ql)?:\/\//.test(url)) db = openPostgres(url);
  else if (url.startsWith('sqlite:')) db = openSqlite(url === 'sqlite::memory:' ? ':memory:' : resolve(url.slice('sqlite:'.length)));
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new DbUrlError(`unsupported database URL "${url.split(':')[0]}:": use sqlite:/path/file.db or postgres://user:pass@host:port/db`);
  else db = openSqlite(resolve(url));
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
