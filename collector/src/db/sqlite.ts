import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Queryable, Row } from './types.js';

/**
 * The database holds customers' fleets and (encrypted) agent keys: the file is created 0600 in a
 * folder created 0700, before SQLite opens it (its -wal and -shm files take the file's mode).
 * A file made world-readable by an older version is narrowed to 0600 when we own it.
 */
function privateFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      const st = statSync(f);
      if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(f, 0o600);
    } catch { /* not there */ }
  }
}

/**
 * SQLite through better-sqlite3 (synchronous, in-process). One connection; write
 * transactions are queued so that two requests never interleave inside one
 * BEGIN..COMMIT on the shared connection.
 */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') privateFile(file);
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

  // Group commit: transactions that queue up while one runs are committed together, each
  // inside its own SAVEPOINT so one failing rolls back alone. Every caller still learns of
  // its outcome only after COMMIT, so an acknowledgement always means "on disk".
  type Job = { fn: (q: Queryable) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
  const pending: Job[] = [];
  let running: Promise<void> | null = null;
  const MAX_GROUP = 64;
  const drain = async (): Promise<void> => {
    while (pending.length) {
      const group = pending.splice(0, MAX_GROUP);
      const results: { ok: boolean; value: unknown }[] = [];
      try {
        db.exec('BEGIN IMMEDIATE');
        for (const job of group) {
          db.exec('SAVEPOINT job');
          try {
            const value = await job.fn(q);
            db.exec('RELEASE job');
            results.push({ ok: true, value });
          } catch (err) {
            db.exec('ROLLBACK TO job');
            db.exec('RELEASE job');
            results.push({ ok: false, value: err });
          }
          // Let the event loop read and check more requests meanwhile; they join the next group.
          await new Promise<void>((r) => setImmediate(r));
        }
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        for (const job of group) job.reject(err);
        continue;
      }
      group.forEach((job, i) => (results[i]!.ok ? job.resolve(results[i]!.value) : job.reject(results[i]!.value)));
    }
  };
  const kick = () => {
    running ??= drain().finally(() => {
      running = null;
      if (pending.length) kick();
    });
  };

  return {
    dialect: 'sqlite',
    label: `sqlite:${file}`,
    ...q,
    tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        kick();
      });
    },
    async exec(sql: string) {
      db.exec(sql);
    },
    async close() {
      while (running) await running;
      db.close();
    },
  };
}
