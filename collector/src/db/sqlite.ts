import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Queryable, Row } from './types.js';

/**
 * SQLite through better-sqlite3 (synchronous, in-process). One connection; write
 * transactions are queued so that two requests never interleave inside one
 * BEGIN..COMMIT on the shared connection.
 */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a committed transaction survives a process crash; an OS crash may lose the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');

  const cache = new Map<string, Database.Statement>();
  const prep = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const q: Queryable = {
    async all<T extends Row>(sql: string, params: unknown[] = []) {
      return prep(sql).all(...params) as T[];
    },
    async get<T extends Row>(sql: string, params: unknown[] = []) {
      return prep(sql).get(...params) as T | undefined;
    },
    async run(sql: string, params: unknown[] = []) {
      const s = prep(sql);
      if (!s.reader) return { changes: s.run(...params).changes };
      s.all(...params); // e.g. INSERT .. RETURNING used as a statement
      return { changes: 0 };
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  return {
    dialect: 'sqlite',
    label: `sqlite:${file}`,
    ...q,
    tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(q);
          db.exec('COMMIT');
          return out;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async exec(sql: string) {
      db.exec(sql);
    },
    async close() {
      await queue;
      db.close();
    },
  };
}
