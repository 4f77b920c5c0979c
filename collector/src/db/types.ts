/**
 * The one database interface the collector uses. SQLite and PostgreSQL both sit
 * behind it so every query, migration and report is written once: SQL uses `?`
 * placeholders (the PostgreSQL driver numbers them), ISO-8601 UTC text for times
 * (sorts the same in both) and integers 0/1 for booleans.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  all<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T | undefined>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
}

export interface Db extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /** A URL safe to print (no password). */
  readonly label: string;
  /** Runs fn in one transaction: all of it is stored or none of it. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
