/**
 * Issue 13 items 2, 7, 11 (per-agent bounds): a printer with no serial and no MAC is kept under a
 * flagged fallback identity and merged when its serial appears; deduplication is per agent;
 * an agent cannot create devices without bound. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleet, startCollector, type Collector } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, reading, type Agent } from './helpers/client.js';

const n = async (c: Collector, sql: string, params: unknown[] = []) => Number((await c.db.get<{ n: number }>(sql, params))!.n);

describe.each(BACKENDS.map((b) => [b().name, b] as const))('identity, dedup and bounds (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  let c: Collector;
  let victim: Agent;
  let attacker: Agent;

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: '127.3.7.31', log: false, limits: { newDevicesPerMessage: 5, newDevicesPerDay: 8 } });
    victim = { ...(await c.enroll('VICTIM-0001', 'victim-pc')), customer: 'VICTIM-0001' };
    attacker = { ...(await c.enroll('EVIL-0002', 'evil-pc')), customer: 'EVIL-0002' };
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('keeps a printer with no serial and no MAC as a flagged device, and merges it when its serial appears', async () => {
    const anon = (d: number, extra: object = {}) => reading({ serial: null, mac: null, vendor: 'Xerox', model: 'AltaLink C8045', ip: '10.0.0.77', readAt: new Date(Date.now() - (10 - d) * 3_600_000), counters: { total: 5000 + d }, ...extra });
    expect((await post(c.url, victim, message(victim, [anon(1), anon(2)]))).status).toBe(200);
    let f = await fleet(c.db, { customer: 'VICTIM-0001' });
    expect(f.devices.map((d) => [d.model, d.serial, d.ip, d.identifiedBy])).toEqual([['AltaLink C8045', null, '10.0.0.77', 'fallback']]);
    expect(f.customers[0]!.devices).toBe(1);
    expect(await n(c, 'SELECT COUNT(*) AS n FROM readings WHERE device_id IS NULL')).toBe(0);
    // The same printer now reports its serial: one device, keyed by serial, with the whole history.
    expect((await post(c.url, victim, message(victim, [anon(3, { serial: 'XRX-123' })]))).status).toBe(200);
    f = await fleet(c.db, { customer: 'VICTIM-0001' });
    expect(f.devices.map((d) => [d.serial, d.identifiedBy, d.total])).toEqual([['XRX-123', 'serial', 5003]]);
    const id = f.devices[0]!.id;
    expect(await n(c, 'SELECT COUNT(*) AS n FROM counters WHERE device_id = ?', [id])).toBe(3);
    // A later read without the serial at the same address still lands on the merged device.
    expect((await post(c.url, victim, message(victim, [anon(4)]))).status).toBe(200);
    expect(await n(c, 'SELECT COUNT(*) AS n FROM counters WHERE device_id = ?', [id])).toBe(4);
    expect((await fleet(c.db, { customer: 'VICTIM-0001' })).devices).toHaveLength(1);
  });

  it('scopes deduplication to the agent: another agent sending the same message id first suppresses nothing', async () => {
    const msg = message(victim, [reading({ serial: 'V-1', readAt: new Date(), counters: { total: 10 } })]);
    const forged = { ...message(attacker, [reading({ serial: 'E-1', readAt: new Date(), counters: { total: 1 } })]), messageId: msg.messageId };
    expect((await post(c.url, attacker, forged)).body).toMatchObject({ ok: true, duplicate: false });
    expect((await post(c.url, victim, msg)).body).toEqual({ ok: true, messageId: msg.messageId, duplicate: false });
    expect((await post(c.url, victim, msg)).body).toEqual({ ok: true, messageId: msg.messageId, duplicate: true });
    expect(await n(c, `SELECT COUNT(*) AS n FROM readings WHERE customer = 'VICTIM-0001' AND message_id = ?`, [msg.messageId])).toBe(1);
  });

  it('bounds the devices an agent creates, per message (413 too_large) and per day (429 rate_limited)', async () => {
    const many = (k: number, from: number) => Array.from({ length: k }, (_, i) => reading({ serial: `MANY-${from + i}`, mac: null, readAt: new Date(), counters: { total: 1 } }));
    const before = await n(c, `SELECT COUNT(*) AS n FROM devices WHERE customer = 'EVIL-0002'`);
    const big = await post(c.url, attacker, message(attacker, many(6, 0)));
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ ok: false, code: 'too_large' });
    expect(await n(c, `SELECT COUNT(*) AS n FROM devices WHERE customer = 'EVIL-0002'`)).toBe(before);
    // E-1 above was the first of the day; 8 a day: 5 + 2 more pass, the next is refused, retryable.
    expect((await post(c.url, attacker, message(attacker, many(5, 10)))).status).toBe(200);
    expect((await post(c.url, attacker, message(attacker, many(2, 20)))).status).toBe(200);
    const over = await post(c.url, attacker, message(attacker, many(1, 30)));
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ ok: false, code: 'rate_limited' });
    // Readings of devices it already has still go in.
    expect((await post(c.url, attacker, message(attacker, many(2, 10)))).status).toBe(200);
  });
});
