/** What every amr-collector command shares: the one-line user error, output formats, number options, opening the database. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DbMissingError, DbUrlError, openDb } from './db/open.js';
import type { Db } from './db/types.js';
import { csv, table, type Column } from './reports/format.js';

/** A mistake the dealer can fix: one line, exit code 2, no stack trace. */
export class CliError extends Error {}

/** Where the embedded database lives when neither --db nor AMR_COLLECTOR_DB says. */
export function defaultDb(): string {
  const dir = process.getuid?.() === 0 ? '/var/lib/amr-collector' : join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'amr-collector');
  return `sqlite:${join(dir, 'collector.db')}`;
}

export type Fmt = { json?: boolean; csv?: boolean };
export function out<T>(rows: T[], cols: Column<T>[], fmt: Fmt, jsonValue: unknown = rows): void {
  if (fmt.json) process.stdout.write(JSON.stringify(jsonValue, null, 2) + '\n');
  else if (fmt.csv) process.stdout.write(csv(rows, cols));
  else process.stdout.write(rows.length ? table(rows, cols) : '(none)\n');
}

export const int = (name: string, min = 0) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new CliError(`${name} "${v}" is not a whole number${min ? ` >= ${min}` : ''}`);
  return Number(v);
};

/**
 * Opens the database for one command. Reports (`existing`) open a database that is there and
 * never create one (nor its folders): a mistyped AMR_COLLECTOR_DB is an error, not an empty fleet.
 */
export async function withDb<T>(url: string, fn: (db: Db) => Promise<T>, opts: { existing?: boolean } = {}): Promise<T> {
  let db: Db;
  try {
    db = await openDb(url, { mustExist: opts.existing });
  } catch (err) {
    if (err instanceof DbUrlError || err instanceof DbMissingError) throw new CliError(err.message);
    const safe = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
    throw new CliError(`cannot open database ${safe}: ${(err as Error).message.split('\n')[0]} (check --db or AMR_COLLECTOR_DB)`);
  }
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** This package's version (package.json), for --version and the log. */
export function collectorVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
