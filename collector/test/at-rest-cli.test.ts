/**
 * Issue 13 items 14, 10 (collector CLI), 3 (future periods) and --version: the database and key
 * file are private, agent keys are sealed (a copy of the database signs nothing), reports never
 * create a database, agent text reaches the terminal inert, and CSV cells cannot start formulas.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../src/index.js';
import { message, post, reading } from './helpers/client.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amr-collector.js');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'amr-rest-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('collector data at rest', () => {
  it('creates the database and key file 0600 and stores agent keys sealed', async () => {
    const file = join(dir, 'sealed', 'c.db');
    const keyFile = join(dir, 'sealed', 'c.key');
    const c = await startCollector({ db: `sqlite:${file}`, keyFile, host: '127.3.7.40', log: false });
    try {
      const e = await c.enroll('ACME-0001', 'sealed-pc');
      const agent = { ...e, customer: 'ACME-0001' };
      expect((await post(c.url, agent, message(agent, [reading({ readAt: new Date(), counters: { total: 1 } })]))).status).toBe(200);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'sealed')).mode & 0o777).toBe(0o700);
      // What a copy of the database holds: no key, nothing that signs.
      const raw = new Database(file, { readonly: true });
      const stored = (raw.prepare('SELECT agent_key FROM agents').get() as { agent_key: string }).agent_key;
      raw.close();
      expect(stored).toMatch(/^aes1:/);
      expect(stored).not.toContain(e.key);
      expect(readFileSync(file).includes(Buffer.from(e.key))).toBe(false);
    } finally {
      await c.stop();
    }
  });

  it('seals keys an older version stored in plain text, and refuses a missing key file in one line', async () => {
    const file = join(dir, 'legacy.db');
    const keyFile = join(dir, 'legacy.key');
    let c = await startCollector({ db: `sqlite:${file}`, keyFile, host: '127.3.7.40', log: false });
    const e = await c.enroll('ACME-0001', 'legacy-pc');
    await c.db.run('UPDATE agents SET agent_key = ? WHERE agent_id = ?', [e.key, e.agentId]); // as version 0.1.0 stored it
    await c.stop();
    rmSync(keyFile);
    c = await startCollector({ db: `sqlite:${file}`, keyFile, host: '127.3.7.40', log: false });
    try {
      expect((await c.db.get<{ agent_key: string }>('SELECT agent_key FROM agents'))!.agent_key).toMatch(/^aes1:/);
      const agent = { ...e, customer: 'ACME-0001' };
      expect((await post(c.url, agent, message(agent, [reading({ readAt: new Date(), counters: { total: 2 } })]))).status).toBe(200);
    } finally {
      await c.stop();
    }
    await expect(startCollector({ db: `sqlite:${file}`, keyFile: join(dir, 'elsewhere.key'), host: '127.3.7.40', log: false }))
      .rejects.toThrow(/sealed with a key file that is not at .*elsewhere\.key: restore it there/);
    const r = cli(['--db', `sqlite:${file}`, '--key-file', join(dir, 'elsewhere.key'), 'rekey', '--agent-id', e.agentId]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('reports open an existing database only: one line, exit 2, nothing created', () => {
    const missing = join(dir, 'typo', 'colector.db');
    for (const args of [['fleet'], ['meters', '--period', '2025-03'], ['supplies', '--csv'], ['bill', '--period', '2025-03']]) {
      const r = cli(['--db', `sqlite:${missing}`, ...args]);
      expect({ args, code: r.code, out: r.out, err: r.err }).toEqual({ args, code: 2, out: '', err: `amr-collector: no database at ${missing}: check --db or AMR_COLLECTOR_DB (the collector creates it on "serve" or "enroll")\n` });
    }
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('prints its version', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version'])).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('refuses a future period (exit 2) and shows agent text inert, CSV cells without formulas', async () => {
    const file = join(dir, 'hostile.db');
    const c = await startCollector({ db: `sqlite:${file}`, host: '127.3.7.40', log: false });
    try {
      const e = await c.enroll('ACME-0001', 'hostile-pc');
      const agent = { ...e, customer: 'ACME-0001' };
      const evil = reading({ serial: 'EVIL\u001b[2J\u0007', model: '=HYPERLINK("http://x")\u202e', readAt: new Date(), counters: { total: 3 } });
      (evil.identity as Record<string, unknown>).location = '\u001b]0;owned\u0007\u009b31m';
      expect((await post(c.url, agent, message(agent, [evil]))).status).toBe(200);
    } finally {
      await c.stop();
    }
    const db = `sqlite:${file}`;
    const future = new Date(Date.now() + 62 * 86_400_000).toISOString().slice(0, 7);
    const f = cli(['--db', db, 'meters', '--period', future]);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(new RegExp(`^amr-collector: period ${future} has not begun .*\\n$`));
    for (const args of [['fleet'], ['fleet', '--csv'], ['stale'], ['meters', '--from', '2020-01-01', '--to', new Date().toISOString()]]) {
      const r = cli(['--db', db, ...args]);
      expect(r.code).toBe(0);
      expect(r.out).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    const table = cli(['--db', db, 'fleet']).out;
    expect(table).toContain('EVIL\\u001b[2J\\u0007');
    const csvOut = cli(['--db', db, 'fleet', '--csv']).out;
    expect(csvOut).toContain('"\'=HYPERLINK(""http://x"")\\u202e"');
  });
});
