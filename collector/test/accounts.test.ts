/** Accounts: scrypt passwords, the `user` commands (password from standard input, never argv), login limits, sessions, Secure cookies over HTTPS. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/auth/password.js';
import { loginFailed, loginWait, PER_USER } from '../src/auth/ratelimit.js';
import { openDb } from '../src/db/open.js';
import { auditLog } from '../src/auth/audit.js';
import { startCollector } from '../src/index.js';
import { login } from './helpers/login.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amr-collector.js');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'amr-accounts-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input = '', db = `sqlite:${join(dir, 'cli.db')}`) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, env: { ...process.env, AMR_COLLECTOR_DB: db } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('passwords', () => {
  it('are scrypt hashes with their parameters and a salt; only the right password verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe('amr-collector user', () => {
  it('adds, lists, changes and removes users; the password comes from standard input', () => {
    expect(cli(['enroll', '--customer', 'ACME-0001', '--agent-id', 'pc1']).code).toBe(0);
    const add = cli(['user', 'add', 'alice', '--role', 'admin'], 'alice-password-1\n');
    expect({ code: add.code, err: add.err }).toEqual({ code: 0, err: 'Added admin "alice".\n' });
    expect(cli(['user', 'add', 'bob', '--role', 'customer', '--customer', 'ACME-0001'], 'bob-password-1\n').code).toBe(0);
    const list = cli(['user', 'list', '--json']);
    expect(JSON.parse(list.out).map((u: { username: string; role: string; customer: string | null }) => [u.username, u.role, u.customer]))
      .toEqual([['alice', 'admin', null], ['bob', 'customer', 'ACME-0001']]);
    expect(list.out).not.toMatch(/scrypt|password-1/);
    for (const [args, input, msg] of [
      [['user', 'add', 'carol', '--role', 'customer'], 'carol-password-1\n', 'a customer user needs --customer CODE'],
      [['user', 'add', 'carol', '--role', 'customer', '--customer', 'NOPE-1'], 'carol-password-1\n', 'there is no customer "NOPE-1"'],
      [['user', 'add', 'carol', '--role', 'boss'], 'carol-password-1\n', 'role "boss" is not one of admin, technician, customer'],
      [['user', 'add', 'carol', '--role', 'technician'], 'short\n', 'at least 10 characters'],
      [['user', 'add', 'alice', '--role', 'technician'], 'another-password\n', 'already exists'],
      [['user', 'remove', 'alice'], '', 'the last admin'],
      [['user', 'passwd', 'nobody'], 'nobody-password-1\n', 'no user "nobody"'],
    ] as [string[], string, string][]) {
      const r = cli(args, input);
      expect({ args, code: r.code, lines: r.err.trim().split('\n').length, has: r.err.includes(msg) }).toEqual({ args, code: 2, lines: 1, has: true });
    }
    // No way to give the password on the command line.
    expect(cli(['user', 'add', 'dave', '--role', 'technician', '--password', 'dave-password-1']).code).toBe(2);
    expect(cli(['user', 'passwd', 'bob'], 'bob-password-2\n').code).toBe(0);
    expect(cli(['user', 'remove', 'bob']).code).toBe(0);
    expect(JSON.parse(cli(['user', 'list', '--json']).out)).toHaveLength(1);
  });

  it('records admin actions in the audit log, without secrets', async () => {
    const db = await openDb(`sqlite:${join(dir, 'cli.db')}`);
    try {
      const log = await auditLog(db);
      expect(log.map((e) => `${e.action} ${e.target}`).reverse()).toEqual(['user.add alice', 'user.add bob', 'user.passwd bob', 'user.remove bob']);
      expect(JSON.stringify(log)).not.toMatch(/password-/);
    } finally {
      await db.close();
    }
  });
});

describe('logging in', () => {
  it(`stops guessing after ${PER_USER} failures per user name, and counts per address too`, async () => {
    const db = await openDb(`sqlite:${join(dir, 'limit.db')}`);
    try {
      const now = Date.parse('2026-01-01T12:00:00Z');
      for (let i = 0; i < PER_USER - 1; i++) await loginFailed(db, 'Alice', '10.0.0.1', now + i);
      expect(await loginWait(db, 'alice', '10.0.0.9', now + 10)).toBe(0);
      await loginFailed(db, 'alice', '10.0.0.2', now + 10);
      expect(await loginWait(db, 'ALICE', '10.0.0.9', now + 20)).toBe(15);
      expect(await loginWait(db, 'bob', '10.0.0.9', now + 20)).toBe(0);
      expect(await loginWait(db, 'alice', '10.0.0.9', now + 15 * 60_000 + 1)).toBe(0); // the window passed
      for (let i = 0; i < 30; i++) await loginFailed(db, `user${i}`, '10.9.9.9', now + i);
      expect(await loginWait(db, 'someone-else', '10.9.9.9', now + 100)).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('over HTTPS sets a Secure, HttpOnly, SameSite session cookie; a wrong password gets none; after too many the right one is refused', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=amr-collector-test', '-addext', 'subjectAltName=IP:127.3.7.6', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const c = await startCollector({ db: `sqlite:${join(dir, 'tls.db')}`, host: '127.3.7.6', tls: { cert, key }, log: false });
    try {
      const { addUser } = await import('../src/auth/users.js');
      await addUser(c.db, { username: 'tina', role: 'technician', password: 'tina-password-1' });
      const agent = { ca: execFileSync('cat', [cert], { encoding: 'utf8' }) };
      const ok = await login(c.url, 'tina', 'tina-password-1', { ca: agent.ca, request });
      expect(ok.status).toBe(303);
      expect(ok.sessionCookie).toMatch(/^amr_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
      for (let i = 0; i < PER_USER; i++) {
        const bad = await login(c.url, 'tina', 'wrong-password', { ca: agent.ca, request });
        expect({ status: bad.status, cookie: bad.sessionCookie }).toEqual({ status: 401, cookie: null });
      }
      const locked = await login(c.url, 'tina', 'tina-password-1', { ca: agent.ca, request });
      expect(locked.status).toBe(429);
      expect(locked.body).toContain('Too many failed logins');
      // Without the login form's token (a login forged from another site) nothing happens.
      const forged = await login(c.url, 'tina', 'tina-password-1', { ca: agent.ca, request, skipToken: true });
      expect(forged.status).toBe(403);
    } finally {
      await c.stop();
    }
  });
});
