/**
 * The databases every storage test runs against: a temp SQLite file and a
 * throwaway database on the PostgreSQL cluster the global setup started.
 * No PostgreSQL means a failing test with the reason, never a skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface Backend { name: 'sqlite' | 'postgres'; url(): Promise<string>; cleanup(): Promise<void> }

export function sqliteBackend(): Backend {
  let dir: string | undefined;
  return {
    name: 'sqlite',
    async url() {
      dir ??= mkdtempSync(join(tmpdir(), 'amr-collector-'));
      return `sqlite:${join(dir, `${randomBytes(4).toString('hex')}.db`)}`;
    },
    async cleanup() { if (dir) rmSync(dir, { recursive: true, force: true }); },
  };
}

export function postgresBackend(): Backend {
  const made: string[] = [];
  const base = () => {
    const url = inject('pgUrl');
    if (!url) throw new Error(`PostgreSQL is not available for the collector tests: ${inject('pgError') ?? 'unknown reason'}`);
    return url;
  };
  return {
    name: 'postgres',
    async url() {
      const admin = new pg.Client({ connectionString: base() });
      await admin.connect();
      const name = `amr_${randomBytes(5).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      made.push(name);
      const u = new URL(base());
      u.pathname = `/${name}`;
      return u.toString();
    },
    async cleanup() {
      if (!made.length) return;
      const admin = new pg.Client({ connectionString: base() });
      await admin.connect();
      for (const n of made) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

export const BACKENDS = [sqliteBackend, postgresBackend];

declare module 'vitest' {
  export interface ProvidedContext { pgUrl: string | null; pgError: string | null }
}
