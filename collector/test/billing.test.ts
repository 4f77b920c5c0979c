/**
 * Billing (issue 14): per-customer billing day and time zone, read / interpolated / extrapolated /
 * partial / no data, future periods refused, open periods provisional, closed periods frozen with
 * late readings shown as adjustments on the next period; CSV and JSON exports. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  billCsv, billingPeriod, billingReport, billJson, closePeriod, periodLabelAt, setBillingCalendar, startCollector, type Collector,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, reading, type Agent } from './helpers/client.js';

const DAY = 86_400_000;

describe.each(BACKENDS.map((b) => [b().name, b] as const))('billing (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  let c: Collector;
  let agent: Agent;
  const send = async (readings: object[]) => {
    for (let i = 0; i < readings.length; i += 100) {
      const r = await post(c.url, agent, message(agent, readings.slice(i, i + 100)));
      if (r.status !== 200) throw new Error(`refused: ${JSON.stringify(r.body)}`);
    }
  };

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: '127.3.7.30', log: false });
    const e = await c.enroll('BILL-0001', 'bill-pc');
    agent = { ...e, customer: 'BILL-0001' };
    await setBillingCalendar(c.db, 'BILL-0001', { billingDay: 15, timeZone: 'Europe/Oslo' });
    const P: object[] = [];
    for (let d = 0; d < 120; d++) P.push(reading({ serial: 'P-1', mac: null, readAt: new Date(Date.parse('2025-02-01T10:00:00Z') + d * DAY), counters: { total: 1000 + 10 * d, mono: 800 + 8 * d, color: 200 + 2 * d } }));
    const G: object[] = [];
    for (let d = 0; d < 20; d++) G.push(reading({ serial: 'G-1', mac: null, readAt: new Date(Date.parse('2025-01-01T10:00:00Z') + d * DAY), counters: { total: 50 + d } }));
    const Q = [reading({ serial: 'Q-1', mac: null, readAt: '2025-03-10T00:00:00.000Z', counters: { total: 100 } }), reading({ serial: 'Q-1', mac: null, readAt: '2025-04-20T00:00:00.000Z', counters: { total: 1100 } })];
    await send([...P, ...G, ...Q]);
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('starts a period on the customer\'s billing day at local midnight (DST included)', () => {
    expect(billingPeriod('2025-03', { billingDay: 15, timeZone: 'Europe/Oslo' })).toEqual({ from: '2025-03-14T23:00:00.000Z', to: '2025-04-14T22:00:00.000Z' });
    expect(billingPeriod('2025-12', { billingDay: 1, timeZone: 'America/New_York' })).toEqual({ from: '2025-12-01T05:00:00.000Z', to: '2026-01-01T05:00:00.000Z' });
    expect(periodLabelAt(Date.parse('2025-03-14T23:30:00Z'), { billingDay: 15, timeZone: 'Europe/Oslo' })).toBe('2025-03');
    expect(periodLabelAt(Date.parse('2025-03-14T22:30:00Z'), { billingDay: 15, timeZone: 'Europe/Oslo' })).toBe('2025-02');
  });

  it('bills real reads, interpolates, and says "no data" for a device not read in or near the period', async () => {
    const rep = await billingReport(c.db, 'BILL-0001', '2025-03');
    expect(rep).toMatchObject({ from: '2025-03-14T23:00:00.000Z', to: '2025-04-14T22:00:00.000Z', state: 'final', billingDay: 15, timeZone: 'Europe/Oslo' });
    const p = rep.rows.filter((r) => r.serial === 'P-1').map((r) => [r.counter, r.start.source, r.end.source, r.pages, r.status]);
    expect(p).toEqual([['total', 'read', 'read', 300, 'read'], ['mono', 'read', 'read', 240, 'read'], ['color', 'read', 'read', 60, 'read']]);
    const q = rep.rows.find((r) => r.serial === 'Q-1')!;
    expect([q.start.value, q.start.source, q.end.value, q.end.source, q.pages, q.status]).toEqual([221, 'interpolated', 976, 'interpolated', 755, 'estimated']);
    const g = rep.rows.filter((r) => r.serial === 'G-1');
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ counter: '', pages: null, status: 'no data', start: { value: null }, end: { value: null } });
  });

  it('refuses a future period and marks the open one provisional', async () => {
    const now = new Date();
    const future = new Date(now.getTime() + 62 * DAY).toISOString().slice(0, 7);
    await expect(billingReport(c.db, 'BILL-0001', future)).rejects.toThrow(/has not begun/);
    const open = periodLabelAt(now.getTime(), { billingDay: 15, timeZone: 'Europe/Oslo' });
    expect((await billingReport(c.db, 'BILL-0001', open)).state).toBe('provisional');
    await expect(closePeriod(c.db, 'BILL-0001', open)).rejects.toThrow(/can be closed after that/);
  });

  it('freezes a closed period; a late reading shows as an adjustment on the next one', async () => {
    const closed = await closePeriod(c.db, 'BILL-0001', '2025-03', { by: 'test' });
    expect(closed.state).toBe('closed');
    await expect(closePeriod(c.db, 'BILL-0001', '2025-03')).rejects.toThrow(/was closed at/);
    // A reading of Q near the period end arrives late.
    await send([reading({ serial: 'Q-1', mac: null, readAt: '2025-04-14T20:00:00.000Z', counters: { total: 900 } })]);
    const again = await billingReport(c.db, 'BILL-0001', '2025-03');
    expect(again.state).toBe('closed');
    expect(again.rows).toEqual(closed.rows);
    const q = again.rows.find((r) => r.serial === 'Q-1')!;
    expect(q.pages).toBe(755);
    expect(again.lateChanges.map((a) => [a.serial, a.counter, a.billedPages, a.pagesNow, a.difference])).toEqual([['Q-1', 'total', 755, 689, -66]]);

    const next = await billingReport(c.db, 'BILL-0001', '2025-04');
    const nq = next.rows.find((r) => r.serial === 'Q-1')!;
    // Starts from the closed bill's end value, so the billed pages of both periods add up to what the counter says.
    expect([nq.start.value, nq.end.value, nq.end.source, nq.pages, nq.status]).toEqual([976, 1100, 'partial', 124, 'partial']);
    expect(next.adjustments.map((a) => [a.forPeriod, a.serial, a.billedPages, a.pagesNow, a.difference, a.included])).toEqual([['2025-03', 'Q-1', 755, 689, -66, true]]);
    const stored = await closePeriod(c.db, 'BILL-0001', '2025-04');
    expect(stored.adjustments).toEqual(next.adjustments);

    const text = billCsv([stored]);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('customer,period,state,kind,vendor,model,serial,mac,counter,unit,period_start,start_value,start_read_at,start_source,period_end,end_value,end_read_at,end_source,pages,status,note');
    expect(lines.find((l) => l.includes(',Q-1,') && l.includes(',meter,'))).toMatch(/^BILL-0001,2025-04,closed,meter,HP,LaserJet M607,Q-1,,total,impressions,2025-04-14T22:00:00.000Z,976,2025-04-14T22:00:00.000Z,interpolated,2025-05-14T22:00:00.000Z,1100,2025-04-20T00:00:00.000Z,partial,124,partial,/);
    expect(lines).toContain('BILL-0001,2025-04,closed,adjustment,,,Q-1,,total,,,,,,,,,,-66,included,2025-03 billed 755, now 689 (already in this period\'s pages)'.replace('2025-03 billed 755, now 689 (already in this period\'s pages)', '"2025-03 billed 755, now 689 (already in this period\'s pages)"'));
    const json = JSON.parse(billJson([stored])) as { period: string; state: string; rows: unknown[] }[];
    expect(json[0]).toMatchObject({ period: '2025-04', state: 'closed' });
    expect(json[0]!.rows).toHaveLength(stored.rows.length);
  });
});
