/**
 * Toner and service end to end, all real parts on loopback: the simulator's Konica's black
 * toner falls between real `amr run`s; the collector (its own package, SQLite) forecasts the
 * days to empty, lists the toner to ship, e-mails the technician through a real SMTP server
 * (smtp-server, STARTTLS with a self-signed certificate) and POSTs a signed webhook to a
 * local receiver. The days before are earlier readings of the same printer, delivered signed
 * as that agent (a test cannot wait days for `amr run` to make them).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtp, startWebhookReceiver, until } from '../../collector/test/helpers/receivers.js';
import { amr } from '../helpers/cli.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/tmp.js';

const collectorModule = '../../collector/dist/index.js';
type CollectorApi = typeof import('../../collector/dist/index.js');

const PORT = 16171;
const BLACK = '1.3.6.1.2.1.43.11.1.1.9.1.4';
const TOTAL = '1.3.6.1.2.1.43.10.2.1.4.1.1';
const SERIAL = 'AA2M021115700';
const DAY = 86_400_000;
let fleet: Fleet;
let api: CollectorApi;
let collector: Awaited<ReturnType<CollectorApi['startCollector']>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let config: string;
let key: string;
let secret: string;
const work = tempDir('amr-e2e-toner-');

beforeAll(async () => {
  api = (await import(collectorModule)) as CollectorApi;
  smtp = await startSmtp('127.0.33.100');
  hook = await startWebhookReceiver('127.0.33.101');
  fleet = await startFleet('127.0.33', PORT, ['konica_c250i']);
  collector = await api.startCollector({
    db: `sqlite:${join(work, 'collector.db')}`, port: 0, host: '127.0.0.1', log: false,
    notify: { smtp: { url: smtp.url, from: 'amr@dealer.test', ca: smtp.ca }, intervalMs: 200 },
  });
  const e = await collector.enroll('E2E-0002', 'toner-pc');
  key = e.key;
  await api.addRule(collector.db, { kind: 'supply-low', email: 'toner@dealer.test', threshold: 10 });
  secret = (await api.addRule(collector.db, { kind: 'supply-forecast', webhook: hook.url, threshold: 7 })).secret!;
  config = join(work, 'config.ini');
  writeFileSync(config, [
    '[agent]', 'customer = E2E-0002', 'id = toner-pc', `data_dir = ${join(work, 'agent')}`,
    '[server]', `urls = ${collector.url}`, `agent_key = ${key}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
    '[proxy]', 'url = none',
    '[snmp]', `port = ${PORT}`, 'timeout = 500ms', 'retries = 0',
    '[discovery]', 'targets = 127.0.33.1-127.0.33.2', 'rate = 0', 'timeout = 500ms', 'retries = 0',
    '[web]', 'enabled = false',
  ].join('\n') + '\n');
}, 120_000);

afterAll(async () => {
  await fleet?.sim.stop();
  await collector?.stop();
  await smtp?.stop();
  await hook?.stop();
  rmSync(work, { recursive: true, force: true });
});

const konica = () => fleet.address.get('konica_c250i')!;
const setToner = (level: number, total: number) => {
  fleet.sim.setValue(konica(), BLACK, { type: 'Integer', value: level }, PORT);
  fleet.sim.setValue(konica(), TOTAL, { type: 'Counter32', value: total }, PORT);
};
const run = async () => {
  const r = await amr(['run', '--config', config, '--json'], {}, 60_000);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { sends: { host: string; reason: string }[] };
};

describe('toner falling between runs', () => {
  it('the forecast list shows the toner, an e-mail and a signed webhook arrive', async () => {
    setToner(50, 40_000);
    expect((await run()).sends).toHaveLength(1);
    // The five days before, 5 points a day, as this agent delivered them then (same device identity).
    const [stored] = await collector.db.all<{ payload: string }>('SELECT payload FROM readings ORDER BY id DESC LIMIT 1');
    const today = JSON.parse(stored!.payload);
    const history = [5, 4, 3, 2, 1].map((d) => ({
      ...today, readAt: new Date(Date.now() - d * DAY).toISOString(), reason: 'supply',
      counters: { ...today.counters, total: { value: 40_000 - d * 800, unit: today.counters.total.unit } },
      supplies: today.supplies.map((s: { description: string | null; levelPercent: number }) => (/black/i.test(s.description ?? '') ? { ...s, levelPercent: 50 + 5 * d } : s)),
    }));
    const body = gzipSync(JSON.stringify({ protocol: 1, type: 'readings', messageId: randomUUID(), agentId: 'toner-pc', customer: 'E2E-0002', agentVersion: '0.1.0', createdAt: new Date().toISOString(), readings: history }));
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${collector.url}/v1/messages`, { method: 'POST', body, headers: {
      'content-type': 'application/json', 'content-encoding': 'gzip', 'x-amr-agent': 'toner-pc', 'x-amr-timestamp': String(ts),
      'x-amr-signature': `v1=${createHmac('sha256', key).update(`${ts}.`).update(body).digest('hex')}`,
    } });
    expect(res.status).toBe(200);
    // 50 % falling 5 %/day: 10 days, outside the webhook rule's 7.
    const isBlack = (f: { serial: string | null; description: string | null }) => f.serial === SERIAL && /black/i.test(f.description ?? '');
    const before = (await api.forecasts(collector.db)).find(isBlack)!;
    expect(before).toMatchObject({ method: 'trend', levelPercent: 50 });
    expect(before.daysLeft).toBeCloseTo(10, 0);

    // Today the printer prints a lot: 30 %, then 8 %.
    setToner(30, 41_500);
    expect((await run()).sends.map((s) => s.reason)).toEqual(['supply']);
    const f = (await api.forecasts(collector.db)).find(isBlack)!;
    expect(f.method).toBe('trend');
    expect(f.daysLeft).toBeLessThanOrEqual(7);
    await until(() => hook.hooks.length > 0, 'the forecast webhook');
    const h = hook.hooks[0]!;
    expect(h.headers['x-amr-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${h.headers['x-amr-timestamp']}.`).update(h.body).digest('hex')}`);
    expect(JSON.parse(h.body)).toMatchObject({ transition: 'open', rule: { kind: 'supply-forecast' }, device: { serial: SERIAL } });

    setToner(8, 42_000);
    expect((await run()).sends).toHaveLength(1);
    await until(() => smtp.mails.length > 0, 'the low-toner e-mail');
    expect(smtp.mails[0]).toMatchObject({ to: ['toner@dealer.test'], secure: true });
    expect(smtp.mails[0]!.subject).toContain(SERIAL);
    expect(smtp.mails[0]!.subject).toMatch(/OPEN supply-low: .*Black.* 8%/);
    // On the list to ship, soonest first; one webhook and one e-mail, not one per run.
    const ship = await api.suppliesToShip(collector.db);
    expect(ship[0]).toMatchObject({ serial: SERIAL, description: 'Toner (Black)', levelPercent: 8 });
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.hooks).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
  }, 180_000);
});
