import pg from 'pg';
import type { Db, Queryable, Row } from './types.js';

/** `?` placeholders to PostgreSQL's `$1, $2...` (the collector's SQL has no `?` in literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// BIGINT (counters, COUNT(*)) as JS numbers: page counters stay far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function queryable(c: { query: pg.Pool['query'] }): Queryable {
  return {
    async all<T extends Row>(sql: string, params: unknown[] = []) {
      return (await c.query(numberPlaceholders(sql), params)).rows as T[];
    },
    async get<T extends Row>(sql: string, params: unknown[] = []) {
      return (await c.query(numberPlaceholders(sql), params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: unknown[] = []) {
      return { changes: (await c.query(numberPlaceholders(sql), params)).rowCount ?? 0 };
    },
  };
}

export function openPostgres(url: string): Db {
  // JIT off: the console's statements are index probes over few rows, and PostgreSQL's cost estimate for a
  // probe per device (a recursive CTE, correlated subqueries) crosses jit_above_cost, where compiling took
  // 0.1-3 s of a 20 ms query (bench/console). An options parameter in the URL still wins.
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as pg.CustomTypesConfig, options: '-c jit=off' });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on('error', () => undefined);
  const u = new URL(url);
  if (u.password) u.password = '***';
  return {
    dialect: 'postgres',
    label: u.toString(),
    ...queryable(pool),
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(queryable(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
