import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from './migrations.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import type { Db } from './types.js';

export class DbUrlError extends Error {}
/** A report asked for a database file that is not there. */
export class DbMissingError extends Error {}

/**
 * `sqlite:/path/file.db`, `sqlite::memory:`, a bare file path, or
 * `postgres://user:pass@host:port/db` (also `postgresql://`).
 */
export async function openDb(url: string, opts: { mustExist?: boolean } = {}): Promise<Db> {
  let db: Db;
  if (/^postgres(ql)?:\/\//.test(url)) db = openPostgres(url);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new DbUrlError(`unsupported database URL "${url.split(':')[0]}:": use sqlite:/path/file.db or postgres://user:pass@host:port/db`);
  else {
    const file = url === 'sqlite::memory:' ? ':memory:' : resolve(url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url);
    if (opts.mustExist && file !== ':memory:' && !existsSync(file)) {
      throw new DbMissingError(`no database at ${file}: check --db or AMR_COLLECTOR_DB (the collector creates it on "serve" or "enroll")`);
    }
    db = openSqlite(file);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
