/**
 * Toner and service on both databases, over real HTTP: level history -> forecast,
 * cartridge changes with their yield, the supplies-to-ship list with per-customer
 * thresholds and the shipped mark, notifications by e-mail (real SMTP server on loopback,
 * STARTTLS with a self-signed certificate) and signed webhook (local receiver), one per
 * event and one when it clears under flapping input, acknowledgement, silence, retention.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledge, addRule, cartridgeChanges, evaluateSilence, events, forecasts, markShipped, meters, retention, setThresholds, startCollector, suppliesToShip, type Collector,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, reading, type Agent } from './helpers/client.js';
import { startSmtp, startWebhookReceiver, until } from './helpers/receivers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.each(BACKENDS.map((b, i) => [b().name, b, i] as const))('toner and service (%s)', (_name, makeBackend, n) => {
  const backend = makeBackend();
  let c: Collector;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let acme: Agent;
  let other: Agent;
  let hookSecret: string;
  const now = Date.now();
  const host = `127.3.9.${10 + n}`;

  const send = async (agent: Agent, spec: Parameters<typeof reading>[0], errors: string[] = []) => {
    const r = reading(spec) as { status: { errors: string[] } };
    r.status.errors = errors;
    const res = await post(c.url, agent, message(agent, [r]));
    if (res.status !== 200) throw new Error(`refused: ${JSON.stringify(res.body)}`);
  };
  const toner = (level: number, extra: object = {}) => [{ description: 'Black Toner', color: 'black', levelPercent: level, state: level === 0 ? 'empty' : level < 10 ? 'low' : 'ok', ...extra }];

  beforeAll(async () => {
    smtp = await startSmtp(host);
    hook = await startWebhookReceiver(host);
    c = await startCollector({ db: await backend.url(), host, log: false, notify: { smtp: { url: smtp.url, from: 'amr@dealer.test', ca: smtp.ca }, intervalMs: 200 } });
    acme = { ...(await c.enroll('ACME-0001', 'acme-pc')), customer: 'ACME-0001' };
    other = { ...(await c.enroll('OTHER-0002', 'other-pc')), customer: 'OTHER-0002' };
    await addRule(c.db, { kind: 'supply-low', email: 'tech@dealer.test', threshold: 10 });
    const wh = await addRule(c.db, { kind: 'supply-forecast', webhook: hook.url, threshold: 25, customer: 'ACME-0001' });
    hookSecret = wh.secret!;
    await addRule(c.db, { kind: 'device-error', email: 'service@dealer.test' });
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    await smtp?.stop();
    await hook?.stop();
    await backend.cleanup();
  });

  it('forecasts days to empty from the level trend and lists the supply to ship by the customer\'s thresholds', async () => {
    // 20 days, 2 %/day, one wild reading; counter +300 pages/day. Newest: 40 % an hour ago -> ~20 days left.
    for (let d = 20; d >= 0; d--) {
      const level = d === 7 ? 3 : 40 + 2 * d;
      await send(acme, { serial: 'P-1', model: 'LaserJet M607', mac: 'aa:00:00:00:00:01', readAt: new Date(now - HOUR - d * DAY), counters: { total: 10_000 + 300 * (20 - d) }, supplies: toner(level) });
    }
    const [f] = await forecasts(c.db, { customer: 'ACME-0001' });
    expect(f).toMatchObject({ serial: 'P-1', method: 'trend', levelPercent: 40, points: 21 });
    expect(f!.percentPerDay).toBeCloseTo(2, 5);
    expect(f!.daysLeft).toBeCloseTo(20, 0);
    // Defaults 15 % / 14 days: not yet. ACME ships 21 days ahead: listed.
    expect(await suppliesToShip(c.db)).toEqual([]);
    await setThresholds(c.db, 'ACME-0001', { days: 21 });
    const list = await suppliesToShip(c.db);
    expect(list.map((r) => [r.serial, r.description, r.levelPercent])).toEqual([['P-1', 'Black Toner', 40]]);
    expect(list[0]!.why).toMatch(/^empty in 20 d$/);
    expect(await suppliesToShip(c.db, { limit: 1, offset: 1 })).toEqual([]);
    // Another customer's device at 12 %: listed by the default level threshold (15 %), not by ACME's.
    await send(other, { serial: 'Q-1', mac: 'aa:00:00:00:00:02', readAt: new Date(now - HOUR), counters: { total: 500 }, supplies: toner(12) });
    expect((await suppliesToShip(c.db, { customer: 'OTHER-0002' })).map((r) => [r.serial, r.why])).toEqual([['Q-1', 'level 12% <= 15%']]);
  });

  it('marked shipped stays off the list until the next cartridge change, which is recorded with the pages the cartridge printed', async () => {
    const [p1] = await suppliesToShip(c.db, { customer: 'ACME-0001' });
    await markShipped(c.db, p1!.deviceId, p1!.supply, 'tester', new Date(now - 45 * 60_000));
    expect(await suppliesToShip(c.db, { customer: 'ACME-0001' })).toEqual([]);
    // New cartridge 30 min ago (level jumps 40 -> 100), then a second one later; the second change knows the first cartridge's yield.
    await send(acme, { serial: 'P-1', mac: 'aa:00:00:00:00:01', readAt: new Date(now - 30 * 60_000), counters: { total: 16_100 }, supplies: toner(100) });
    await send(acme, { serial: 'P-1', mac: 'aa:00:00:00:00:01', readAt: new Date(now - 20 * 60_000), counters: { total: 16_400 }, supplies: toner(35) });
    await send(acme, { serial: 'P-1', mac: 'aa:00:00:00:00:01', readAt: new Date(now - 10 * 60_000), counters: { total: 19_100 }, supplies: toner(95) });
    const changes = await cartridgeChanges(c.db, { deviceId: p1!.deviceId });
    expect(changes.map((x) => [x.levelBefore, x.levelAfter, x.pagesPrinted])).toEqual([[35, 95, 3000], [40, 100, null]]);
    expect(await c.db.all('SELECT * FROM supply_shipments')).toEqual([]);
    // Falling again: back on the list (shipped mark gone with the change).
    await send(acme, { serial: 'P-1', mac: 'aa:00:00:00:00:01', readAt: new Date(now - 5 * 60_000), counters: { total: 19_200 }, supplies: toner(12) });
    expect((await suppliesToShip(c.db, { customer: 'ACME-0001' })).map((r) => r.serial)).toEqual(['P-1']);
  });

  it('e-mails once per low supply under flapping readings and once when it clears; STARTTLS used', async () => {
    const base = now - 3 * HOUR;
    // 9 %, 12 %, 9 %, 12 % .. every 5 minutes (inside the 10-15 % hysteresis band and faster than the 15 min settle time).
    for (let i = 0; i < 12; i++) {
      await send(acme, { serial: 'F-1', mac: 'aa:00:00:00:00:03', readAt: new Date(base + i * 5 * 60_000), counters: { total: 100 + i }, supplies: toner(i % 2 ? 17 : 9) });
    }
    await until(() => smtp.mails.some((m) => m.subject.includes('F-1')), 'the low-toner e-mail');
    await new Promise((r) => setTimeout(r, 600));
    const subjects = smtp.mails.filter((m) => m.subject.includes('F-1')).map((m) => m.subject);
    expect(subjects).toHaveLength(1);
    expect(subjects[0]).toMatch(/^\[amr\] OPEN supply-low: ACME-0001 - HP LaserJet M607 F-1 - Black Toner 9%/);
    const mail = smtp.mails.find((m) => m.subject.includes('F-1'))!;
    expect(mail).toMatchObject({ to: ['tech@dealer.test'], from: 'amr@dealer.test', secure: true });
    // New cartridge, seen twice 20 minutes apart: one "cleared" e-mail.
    await send(acme, { serial: 'F-1', mac: 'aa:00:00:00:00:03', readAt: new Date(base + 70 * 60_000), counters: { total: 200 }, supplies: toner(100) });
    await send(acme, { serial: 'F-1', mac: 'aa:00:00:00:00:03', readAt: new Date(base + 90 * 60_000), counters: { total: 210 }, supplies: toner(99) });
    await until(() => smtp.mails.filter((m) => m.subject.includes('F-1')).length === 2, 'the cleared e-mail');
    expect(smtp.mails.filter((m) => m.subject.includes('F-1'))[1]!.subject).toMatch(/^\[amr\] CLEARED supply-low/);
    const evs = (await events(c.db)).filter((e) => e.serial === 'F-1');
    expect(evs.map((e) => [e.kind, e.state])).toEqual([['supply-low', 'cleared']]);
  });

  it('posts a signed webhook when a supply is forecast empty within the rule\'s days', async () => {
    await until(() => hook.hooks.length > 0, 'the forecast webhook');
    const h = hook.hooks[0]!;
    const expected = `sha256=${createHmac('sha256', hookSecret).update(`${h.headers['x-amr-timestamp']}.`).update(h.body).digest('hex')}`;
    expect(h.headers['x-amr-signature']).toBe(expected);
    const body = JSON.parse(h.body);
    expect(body).toMatchObject({ transition: 'open', rule: { kind: 'supply-forecast' }, event: { customer: 'ACME-0001' }, device: { serial: 'P-1' } });
    // A forged one would not verify.
    expect(createHmac('sha256', 'wrong').update(`${h.headers['x-amr-timestamp']}.`).update(h.body).digest('hex')).not.toBe(expected.slice(7));
  });

  it('device errors notify once, are acknowledged, and clear once', async () => {
    const t = now - 2 * HOUR;
    await send(acme, { serial: 'J-1', mac: 'aa:00:00:00:00:04', readAt: new Date(t), counters: { total: 5 } }, ['jammed', 'doorOpen']);
    await send(acme, { serial: 'J-1', mac: 'aa:00:00:00:00:04', readAt: new Date(t + 60_000), counters: { total: 6 } }, ['jammed']);
    await until(() => smtp.mails.filter((m) => m.subject.includes('J-1')).length === 2, 'jam and door e-mails');
    const open = (await events(c.db, { open: true })).filter((e) => e.serial === 'J-1');
    expect(open.map((e) => e.detail).sort()).toEqual(['door open', 'paper jam']);
    const jam = open.find((e) => e.detail === 'paper jam')!;
    expect(await acknowledge(c.db, jam.id, 'tech')).toBe(true);
    expect(await acknowledge(c.db, jam.id, 'tech')).toBe(false);
    await send(acme, { serial: 'J-1', mac: 'aa:00:00:00:00:04', readAt: new Date(t + 30 * 60_000), counters: { total: 7 } }, []);
    await send(acme, { serial: 'J-1', mac: 'aa:00:00:00:00:04', readAt: new Date(t + 50 * 60_000), counters: { total: 8 } }, []);
    await until(() => smtp.mails.filter((m) => m.subject.includes('J-1')).length === 4, 'two cleared e-mails');
    const evs = (await events(c.db)).filter((e) => e.serial === 'J-1');
    expect(evs.every((e) => e.state === 'cleared')).toBe(true);
    expect(evs.find((e) => e.id === jam.id)).toMatchObject({ ackedBy: 'tech' });
  });

  it('a silent device and a failing webhook: the event opens once and delivery is retried, not lost', async () => {
    await addRule(c.db, { kind: 'device-silent', webhook: hook.url, threshold: 48, customer: 'OTHER-0002' });
    hook.setStatus(500);
    const later = now + 3 * DAY;
    expect(await evaluateSilence(c.db, later)).toBe(1);
    expect(await evaluateSilence(c.db, later + 60_000)).toBe(0);
    await until(async () => Number((await c.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM notify_outbox WHERE last_error LIKE '%HTTP 500%'"))!.n) === 1, 'a failed attempt');
    const row = await c.db.get<{ status: string; attempts: number }>("SELECT status, attempts FROM notify_outbox WHERE last_error IS NOT NULL");
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    hook.setStatus(204);
  });

  it('retention deletes raw readings past the window and keeps daily and monthly rollups that still bill', async () => {
    const before = await meters(c.db, { from: new Date(now - 21 * DAY).toISOString().slice(0, 10), to: new Date(now - 2 * DAY).toISOString().slice(0, 10) }, { customer: 'ACME-0001' });
    // A closed bill resting on P-1's first read: that read is never deleted.
    const first = (await c.db.get<{ device_id: number; read_at: string }>(
      "SELECT r.device_id, r.read_at FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.serial = 'P-1' ORDER BY r.read_at LIMIT 1"))!;
    await c.db.run("INSERT INTO bills (customer, period, period_start, period_end, billing_day, time_zone, closed_at) VALUES ('ACME-0001', 'test', ?, ?, 1, 'UTC', ?)", [first.read_at, first.read_at, first.read_at]);
    await c.db.run("INSERT INTO bill_lines (customer, period, device_id, counter, start_value, start_at, start_source, end_value, end_at, end_source, pages, status) VALUES ('ACME-0001', 'test', ?, 'total', 10000, ?, 'read', 10000, ?, 'read', 0, 'final')",
      [first.device_id, first.read_at, first.read_at]);
    const dry = await retention(c.db, { rawDays: 5, now: new Date(now), dryRun: true });
    expect(dry.protectedReadings).toBe(1);
    expect(dry.readings).toBeGreaterThan(0);
    const r = await retention(c.db, { rawDays: 5, now: new Date(now) });
    expect(r.readings).toBe(dry.readings);
    expect(await c.db.all('SELECT device_id, read_at FROM readings WHERE read_at < ?', [r.cutoff])).toEqual([{ device_id: first.device_id, read_at: first.read_at }]);
    expect(Number((await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM counters WHERE read_at < ?', [r.cutoff]))!.n)).toBe(1);
    // The rollups hold the first and last real read of every day of P-1 (21 daily reads) and the month(s).
    const daily = await c.db.all<{ day: string; first_value: number; last_value: number }>(
      "SELECT cd.day, cd.first_value, cd.last_value FROM counter_daily cd JOIN devices d ON d.id = cd.device_id WHERE d.serial = 'P-1' AND cd.key = 'total' ORDER BY cd.day");
    expect(daily.length).toBeGreaterThanOrEqual(21);
    expect(Number(daily[0]!.first_value)).toBe(10_000);
    const monthly = await c.db.all<{ first_value: number; last_value: number }>(
      "SELECT cm.first_value, cm.last_value FROM counter_monthly cm JOIN devices d ON d.id = cm.device_id WHERE d.serial = 'P-1' AND cm.key = 'total' ORDER BY cm.month");
    expect(Number(monthly[0]!.first_value)).toBe(10_000);
    expect(Number(monthly[monthly.length - 1]!.last_value)).toBe(19_200);
    expect(before.rows.find((x) => x.serial === 'P-1' && x.counter === 'total')!.pages).toBeGreaterThan(0);
    // Run again: idempotent, nothing more to delete.
    expect((await retention(c.db, { rawDays: 5, now: new Date(now) })).readings).toBe(0);
  });
});
