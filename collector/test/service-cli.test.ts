/** The toner and notification commands on a real database file: list to ship as CSV, ship, thresholds, rules, ack, retention; mistakes exit 2 with one line. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { message, post, reading } from './helpers/client.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amr-collector.js');
const dir = mkdtempSync(join(tmpdir(), 'amr-service-cli-'));
const DB = `sqlite:${join(dir, 'cli.db')}`;
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, AMR_COLLECTOR_DB: DB } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('toner and notification commands', () => {
  let c: Collector;
  beforeAll(async () => {
    c = await startCollector({ db: DB, host: '127.3.9.30', log: false, notify: false });
    const agent = { ...(await c.enroll('ACME-0001', 'acme-pc')), customer: 'ACME-0001' };
    const r = await post(c.url, agent, message(agent, [reading({ serial: 'CLI-1', readAt: new Date(Date.now() - 60_000), counters: { total: 10 },
      supplies: [{ description: 'Black Toner', color: 'black', levelPercent: 7, state: 'low' }, { description: 'Cyan Toner', color: 'cyan', levelPercent: 80, state: 'ok' }] })]));
    expect(r.status).toBe(200);
    await c.stop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the supply to ship as CSV, ships it, and it leaves the list', () => {
    const list = cli(['supplies', '--to-ship', '--csv']);
    expect(list.code).toBe(0);
    const lines = list.out.trimEnd().split('\r\n');
    expect(lines[0]).toBe('customer,vendor,model,serial,mac,location,supply,description,color,level_percent,state,days_left,empty_at,method,why,read_at');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ACME-0001,HP,LaserJet M607,CLI-1,.*,Black Toner,black,7,low,.*,level 7% <= 15%; device says low,/);
    const ship = cli(['ship', 'CLI-1', 'black', '--by', 'anna']);
    expect(ship.code).toBe(0);
    expect(ship.out).toMatch(/Marked Black Toner of CLI-1 \(ACME-0001\) shipped/);
    expect(cli(['supplies', '--to-ship']).out).toBe('(none)\n');
  });

  it('a wrong device, supply or rule is one line and exit 2', () => {
    for (const [args, msg] of [
      [['ship', 'NOPE', 'black'], /no device "NOPE"/],
      [['ship', 'CLI-1', 'magenta'], /no supplies match "magenta" on that device; its supplies: .*Black Toner/],
      [['notify', 'add', '--kind', 'toner-gone', '--email', 'a@b.c'], /unknown kind "toner-gone"/],
      [['notify', 'add', '--kind', 'supply-low', '--email', 'not-an-address'], /is not an e-mail address/],
      [['notify', 'ack', '999'], /no event 999/],
      [['ship-thresholds', '--customer', 'NOBODY', '--days', '3'], /no customer "NOBODY"/],
    ] as const) {
      const r = cli([...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('adds rules (webhook secret shown once, never listed), sets thresholds, runs retention', () => {
    const add = cli(['notify', 'add', '--kind', 'supply-forecast', '--threshold', '5', '--webhook', 'http://127.0.0.1:9/hook', '--customer', 'ACME-0001']);
    expect(add.code).toBe(0);
    const secret = /Webhook secret .*: (\S+)$/m.exec(add.out)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = cli(['notify', 'list', '--json']);
    expect(JSON.parse(list.out)[0]).toMatchObject({ kind: 'supply-forecast', threshold: 5, channel: 'webhook', customer: 'ACME-0001' });
    expect(list.out).not.toContain(secret!);
    expect(cli(['ship-thresholds', '--customer', 'ACME-0001', '--below', '20', '--days', '30']).out).toBe('ACME-0001: ship at or below 20 % or within 30 days of empty.\n');
    const ret = cli(['retention', '--days', '30', '--json']);
    expect(ret.code).toBe(0);
    expect(JSON.parse(ret.out)).toMatchObject({ readings: 0, dryRun: false });
  });
});
