import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countersBackwards, csv, columnsOf, fleet, lowSupplies, meterCsvRecords, meters, METER_CSV_COLUMNS, openAlerts, stale, startCollector, type Collector,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { EXPECTED_TOTAL, FLEET_NOW, PERIOD, sendFleet } from './helpers/fleet.js';

describe.each(BACKENDS.map((b) => [b().name, b] as const))('dealer views on a fleet with advancing counters (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  let c: Collector;

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: '127.3.7.2', log: false });
    const acme = await c.enroll('ACME-0001', 'acme-pc');
    const other = await c.enroll('OTHER-0002', 'other-pc');
    await c.enroll('ACME-0001', 'acme-never');
    await sendFleet(c.url, { ...acme, customer: 'ACME-0001' }, { ...other, customer: 'OTHER-0002' });
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('gives start, end and pages per device, estimates marked', async () => {
    const rep = await meters(c.db, PERIOD, { customer: 'ACME-0001' });
    const total = (serial: string | null, mac?: string) => rep.rows.find((r) => r.counter === 'total' && (serial ? r.serial === serial : r.mac === mac))!;
    for (const [id, want] of Object.entries(EXPECTED_TOTAL)) {
      const row = id === 'C' ? total(null, 'aa:bb:cc:00:00:0c') : total({ A: 'A-100', B: 'B-1', E: 'E-5' }[id as 'A' | 'B' | 'E']);
      expect({ id, start: row.start.value, end: row.end.value, pages: row.pages, s: row.start.source, e: row.end.source })
        .toEqual({ id, start: want.start, end: want.end, pages: want.pages, s: want.startSource, e: want.endSource });
      expect(row.estimated).toBe(want.startSource === 'interpolated' || want.endSource === 'interpolated' || want.startSource === 'extrapolated');
      expect(row.status).toBe({ A: 'read', B: 'partial', C: 'partial', E: 'estimated' }[id]);
    }
    const a = rep.rows.filter((r) => r.serial === 'A-100');
    expect(a.map((r) => [r.counter, r.pages])).toEqual([['total', 3100], ['mono', 1860], ['color', 1240]]);
    expect(a[0]!.start.at).toBe('2025-03-01T06:00:00.000Z');
    expect(a[0]!.end.at).toBe('2025-04-01T06:00:00.000Z');
    const d = total('D-9');
    expect(d.pages).toBeNull();
    expect(d.note).toMatch(/went backwards/);
    expect(rep.rows.some((r) => r.customer !== 'ACME-0001')).toBe(false);
    const all = await meters(c.db, PERIOD);
    expect(all.rows.find((r) => r.serial === 'F-1' && r.counter === 'total')!.pages).toBe(7 * 31);
  });

  it('writes the ERP CSV with the same numbers', async () => {
    const text = csv(meterCsvRecords(await meters(c.db, PERIOD, { customer: 'ACME-0001' })), columnsOf(METER_CSV_COLUMNS));
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('customer,vendor,model,serial,mac,counter,unit,period_start,start_value,start_read_at,start_source,period_end,end_value,end_read_at,end_source,pages,estimated,note');
    expect(lines).toContain('ACME-0001,HP,LaserJet M607,A-100,aa:bb:cc:00:00:0a,total,impressions,2025-03-01T00:00:00.000Z,10900,2025-03-01T06:00:00.000Z,read,2025-04-01T00:00:00.000Z,14000,2025-04-01T06:00:00.000Z,read,3100,no,');
    expect(lines).toContain('ACME-0001,Kyocera,ECOSYS P3145dn,B-1,aa:bb:cc:00:00:0b,total,impressions,2025-03-01T00:00:00.000Z,5000,2025-03-15T12:00:00.000Z,partial,2025-04-01T00:00:00.000Z,5800,2025-03-31T12:00:00.000Z,read,800,no,counted from 2025-03-15T12:00:00.000Z to 2025-03-31T12:00:00.000Z only (no read near the period start)');
    expect(lines).toContain('ACME-0001,,Generic PCL,,aa:bb:cc:00:00:0c,total,impressions,2025-03-01T00:00:00.000Z,2840,2025-03-01T00:00:00.000Z,read,2025-04-01T00:00:00.000Z,3380,2025-03-19T00:00:00.000Z,partial,540,no,counted from 2025-03-01T00:00:00.000Z to 2025-03-19T00:00:00.000Z only (no read near the period end)');
    expect(lines.find((l) => l.includes(',D-9,') && l.includes(',total,'))).toMatch(/,,no,counter went backwards \(90200 -> 260\)$/);
    expect(lines).toHaveLength(1 + 3 + 4); // A: total/mono/color; B, C, D, E: total
  });

  it('lists the fleet: customers, agents, devices by serial or MAC, never by IP', async () => {
    const f = await fleet(c.db);
    expect(f.customers.map((x) => [x.customer, x.agents, x.devices])).toEqual([['ACME-0001', 2, 5], ['OTHER-0002', 1, 1]]);
    expect(f.agents.find((x) => x.agentId === 'acme-pc')!.version).toBe('0.1.0');
    expect(f.agents.find((x) => x.agentId === 'acme-never')!.lastHeardAt).toBeNull();
    const a = f.devices.find((x) => x.serial === 'A-100')!;
    // A's IP changed every day; it is still one device, with its newest state.
    expect(a).toMatchObject({ vendor: 'HP', total: 14900, lastReadAt: '2025-04-10T06:00:00.000Z', status: 'warning' });
    expect(f.devices.find((x) => x.mac === 'aa:bb:cc:00:00:0c')!.serial).toBeNull();
  });

  it('shows low supplies, open alerts, stale agents and devices, counters that went backwards', async () => {
    const sup = await lowSupplies(c.db, { customer: 'ACME-0001' });
    expect(sup.map((s) => [s.serial, s.description, s.levelPercent, s.state])).toEqual([['A-100', 'Cyan Toner', 0, 'empty'], ['A-100', 'Black Toner', 4, 'low']]);
    const al = await openAlerts(c.db);
    expect(al.map((x) => [x.serial, x.severity, x.codeName, x.since])).toEqual([['A-100', 'critical', 'coverOpen', '2025-04-10T06:00:00.000Z']]);
    const st = await stale(c.db, { hours: 24, now: FLEET_NOW, customer: 'ACME-0001' });
    expect(st.filter((s) => s.kind === 'agent').map((s) => s.id)).toEqual(['acme-never']);
    expect(st.filter((s) => s.kind === 'device').map((s) => s.id).sort()).toEqual(['B-1', 'E-5', 'aa:bb:cc:00:00:0c']);
    const bw = await countersBackwards(c.db, { now: FLEET_NOW });
    expect(bw.map((b) => [b.serial, b.counter, b.before, b.after, b.afterAt])).toEqual([['D-9', 'total', 90290, 50, '2025-03-11T08:00:00.000Z']]);
  });
});
