/** HTTPS with a given certificate, and the amr-collector command line on a real database file. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../src/index.js';
import { message, post, reading } from './helpers/client.js';
import { PERIOD, sendFleet } from './helpers/fleet.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amr-collector.js');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'amr-cli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], db = `sqlite:${join(dir, 'cli.db')}`) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, AMR_COLLECTOR_DB: db } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('HTTPS', () => {
  it('serves the protocol over TLS with the given certificate', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=amr-collector-test', '-addext', 'subjectAltName=IP:127.3.7.5', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const c = await startCollector({ db: `sqlite:${join(dir, 'tls.db')}`, host: '127.3.7.5', tls: { cert, key }, log: false });
    try {
      expect(c.url).toMatch(/^https:\/\/127\.3\.7\.5:\d+$/);
      const e = await c.enroll('ACME-0001', 'tls-pc');
      const agent = { ...e, customer: 'ACME-0001' };
      const msg = message(agent, [reading({ readAt: new Date(), counters: { total: 9 } })]);
      expect(await post(c.url, agent, msg, { ca: readFileSync(cert, 'utf8') })).toEqual({ status: 200, body: { ok: true, messageId: msg.messageId, duplicate: false } });
      // Without trusting the certificate, the client refuses: TLS is real.
      await expect(post(c.url, agent, msg)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    } finally {
      await c.stop();
    }
  });
});

describe('amr-collector CLI', () => {
  it('enrolls an agent and prints the config.ini snippet it then delivers with', async () => {
    const r = cli(['enroll', '--customer', 'ACME-0001', '--agent-id', 'frontdesk-pc', '--url', 'https://c1.example.net/amr', 'https://c2.example.net/amr']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\[agent\]\ncustomer = ACME-0001\nid = frontdesk-pc\n\n\[server\]\nurls = https:\/\/c1\.example\.net\/amr, https:\/\/c2\.example\.net\/amr\nagent_key = [A-Za-z0-9_-]{43}\n$/);
    const key = /agent_key = (\S+)/.exec(r.out)![1]!;
    expect(r.err).not.toContain(key);
    const again = cli(['enroll', '--customer', 'ACME-0001', '--agent-id', 'frontdesk-pc']);
    expect(again).toMatchObject({ code: 2, out: '' });
    expect(again.err).toBe('amr-collector: agent id "frontdesk-pc" is already enrolled (customer ACME-0001); choose another --agent-id or use "rekey"\n');

    // The key from the snippet works against a collector on the same database.
    const c = await startCollector({ db: `sqlite:${join(dir, 'cli.db')}`, host: '127.3.7.6', log: false });
    try {
      const agent = { agentId: 'frontdesk-pc', key, customer: 'ACME-0001' };
      expect((await post(c.url, agent, message(agent, [reading({ serial: 'CLI-1', readAt: new Date(), counters: { total: 77 } })]))).status).toBe(200);
    } finally {
      await c.stop();
    }
    const fleet = cli(['fleet', '--json']);
    expect(fleet.code).toBe(0);
    const f = JSON.parse(fleet.out) as { devices: { serial: string; total: number }[]; agents: { agentId: string; version: string }[] };
    expect(f.devices.map((d) => [d.serial, d.total])).toEqual([['CLI-1', 77]]);
    expect(f.agents).toMatchObject([{ agentId: 'frontdesk-pc', version: '0.1.0' }]);
    expect(fleet.out).not.toContain(key);
  });

  it('prints meter reads as a table, CSV and a CSV file for the ERP', async () => {
    const db = `sqlite:${join(dir, 'meters.db')}`;
    const c = await startCollector({ db, host: '127.3.7.6', log: false });
    try {
      const acme = await c.enroll('ACME-0001', 'acme-pc');
      const other = await c.enroll('OTHER-0002', 'other-pc');
      await sendFleet(c.url, { ...acme, customer: 'ACME-0001' }, { ...other, customer: 'OTHER-0002' });
    } finally {
      await c.stop();
    }
    const t = cli(['meters', '--period', '2025-03', '--customer', 'ACME-0001', '--counter', 'total'], db);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/Kyocera ECOSYS P3145dn\s+B-1\s+total\s+5000~\s+5800\s+800\s+partial/);
    expect(t.out).toMatch(/HP LaserJet M607\s+A-100\s+total\s+10900\s+14000\s+3100\s+read\s*\n/);
    const viaCsv = cli(['meters', '--from', PERIOD.from, '--to', PERIOD.to, '--csv'], db);
    const out = join(dir, 'erp.csv');
    const exp = cli(['export', '--period', '2025-03', '--out', out], db);
    expect(exp.code).toBe(0);
    expect(exp.err).toBe(`Wrote 8 meter reads to ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(viaCsv.out);
    expect(viaCsv.out.split('\r\n').find((l) => l.includes(',F-1,'))).toMatch(/^OTHER-0002,HP,LaserJet M402,F-1,.*,217,no,$/);
    const sup = cli(['supplies', '--csv'], db);
    expect(sup.out.trimEnd().split('\r\n')).toHaveLength(3);
    const bad = cli(['meters', '--from', '2025-03-01'], db);
    expect(bad).toMatchObject({ code: 2, err: 'amr-collector: give both --from and --to (or --period YYYY-MM)\n' });
    const badHours = cli(['stale', '--hours', 'soon'], db);
    expect(badHours).toMatchObject({ code: 2, err: 'amr-collector: --hours "soon" is not a whole number >= 1\n' });
    const badDb = cli(['fleet'], 'mysql://x/y');
    expect(badDb.code).toBe(2);
    expect(badDb.err).toMatch(/^amr-collector: unsupported database URL "mysql:"/);
  });

  it('serves until stopped, and reports a busy port in one line', async () => {
    const db = `sqlite:${join(dir, 'serve.db')}`;
    const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.3.7.7', '--port', '0', '--tcp-port', '0', '--udp-ports', ''], { env: { ...process.env, AMR_COLLECTOR_DB: db } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await expect.poll(() => err, { timeout: 10_000 }).toMatch(/listening on http:\/\/127\.3\.7\.7:\d+/);
    const port = Number(/127\.3\.7\.7:(\d+)/.exec(err)![1]);
    const busy = cli(['serve', '--host', '127.3.7.7', '--port', String(port), '--tcp-port', '0', '--udp-ports', ''], db);
    expect(busy).toMatchObject({ code: 2, err: expect.stringMatching(/^amr-collector: cannot listen on 127\.3\.7\.7:\d+: EADDRINUSE; choose another --port or --host\n$/) });
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
  });
});
