/**
 * The supplies-to-ship list is kept at ingest (supply_ship) so pages are index range scans at
 * fleet size. Here, on both databases and over real HTTP ingestion, the kept list is compared
 * after every kind of change with the list computed from scratch from the latest state
 * (supplies, forecasts, shipments, thresholds: the definition), read in small keyset pages:
 * levels change, thresholds change, something is shipped, a cartridge is changed, time passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowSupplies, markShipped, setThresholds, startCollector, suppliesToShip, type Collector } from '../src/index.js';
import { lowCursor } from '../src/reports/supplies.js';
import { shipCursor, type ShipCursor } from '../src/forecast/ship.js';
import { MIGRATIONS, render } from '../src/db/migrations.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, reading, type Agent, type ReadingSpec } from './helpers/client.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.each(BACKENDS.map((b, i) => [b().name, b, i] as const))('supplies to ship kept at ingest (%s)', (_name, makeBackend, n) => {
  const backend = makeBackend();
  let c: Collector;
  let a: Agent;
  let b: Agent;
  const now = Date.now();

  /** One message per agent run: every device of the agent with its black toner, drum and waste box. */
  const run = async (agent: Agent, at: number, devices: { serial: string; black: number; drum?: number; state?: string }[]) => {
    const rs = devices.map((d, i) => reading({
      serial: d.serial, mac: `aa:00:00:00:${String(n).padStart(2, '0')}:${String(i + (agent === a ? 0 : 50)).padStart(2, '0')}`, readAt: new Date(at),
      counters: { total: 1000 + Math.round((at - now + 30 * DAY) / DAY) * 200 },
      supplies: ([
        { index: 1, description: 'Black Toner', color: 'black', levelPercent: d.black, state: d.state ?? (d.black === 0 ? 'empty' : 'ok') },
        { index: 2, description: 'Drum', type: 'opc', levelPercent: d.drum ?? 80, state: 'ok' },
        { index: 3, description: 'Waste Toner Box', type: 'wasteToner', class: 'receptacle', levelPercent: 95, state: 'almostFull' },
      ]) as ReadingSpec['supplies'],
    }));
    const res = await post(c.url, agent, message(agent, rs));
    if (res.status !== 200) throw new Error(`refused: ${JSON.stringify(res.body)}`);
  };

  /** The list by its definition, from the latest state (what the removed whole-table query did). */
  const expected = async (at: number): Promise<string[]> => {
    const thr = new Map((await c.db.all<Record<string, unknown>>('SELECT * FROM customer_supply_settings')).map((t) => [String(t.customer), { below: Number(t.ship_below_percent), days: Number(t.ship_days) }]));
    const shipped = new Set((await c.db.all<Record<string, unknown>>('SELECT device_id, idx FROM supply_shipments')).map((s) => `${String(s.device_id)}:${String(s.idx)}`));
    const rows = await c.db.all<Record<string, unknown>>(`SELECT d.customer, s.device_id, s.idx, s.class, s.level_percent, s.state, f.empty_at
      FROM supplies s JOIN devices d ON d.id = s.device_id LEFT JOIN supply_forecasts f ON f.device_id = s.device_id AND f.idx = s.idx`);
    const listed = rows.filter((r) => {
      if (r.class === 'receptacle' || shipped.has(`${String(r.device_id)}:${String(r.idx)}`)) return false;
      const t = thr.get(String(r.customer)) ?? { below: 15, days: 14 };
      const level = r.level_percent === null ? null : Number(r.level_percent);
      return (level !== null && level <= t.below) || r.state === 'low' || r.state === 'empty' || (r.empty_at !== null && Date.parse(String(r.empty_at)) <= at + t.days * DAY);
    });
    const key = (r: Record<string, unknown>) => [String(r.customer), (r.empty_at as string | null) ?? '~', r.level_percent === null ? -1 : Number(r.level_percent), Number(r.device_id), String(r.idx)] as const;
    listed.sort((x, y) => {
      const p = key(x); const q = key(y);
      for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i]! < q[i]! ? -1 : 1;
      return 0;
    });
    return listed.map((r) => `${String(r.device_id)}:${String(r.idx)}`);
  };

  /** The kept list read in keyset pages of 3 (as the console and API page it). */
  const paged = async (at: number, customer?: string): Promise<string[]> => {
    const out: string[] = [];
    let after: ShipCursor | null = null;
    for (let i = 0; i < 100; i++) {
      const rows = await suppliesToShip(c.db, { now: new Date(at), limit: 3, after, customer });
      out.push(...rows.map((r) => `${r.deviceId}:${r.supply}`));
      if (rows.length < 3) break;
      after = shipCursor(rows[rows.length - 1]!);
    }
    return out;
  };
  const same = async (at: number) => {
    const want = await expected(at);
    expect(await paged(at)).toEqual(want);
    expect((await suppliesToShip(c.db, { now: new Date(at) })).map((r) => `${r.deviceId}:${r.supply}`)).toEqual(want);
    return want;
  };
  const idOf = async (serial: string) => Number((await c.db.get<{ id: number }>('SELECT id FROM devices WHERE serial = ?', [serial]))!.id);

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: `127.3.11.${10 + n}`, log: false, notify: { smtp: null, intervalMs: 3_600_000 } });
    a = { ...(await c.enroll('ALPHA-0001', 'alpha-pc')), customer: 'ALPHA-0001' };
    b = { ...(await c.enroll('BETA-0002', 'beta-pc')), customer: 'BETA-0002' };
    // 10 days of history: A1 falls 3 %/day (from 60), A2 1 %/day (from 90), A3 steady 50 %, A4 falls 5 %/day (from 70); B1 2 %/day (from 40), B2 steady 80 %.
    for (let d = 10; d >= 0; d--) {
      const at = now - HOUR - d * DAY;
      await run(a, at, [{ serial: 'A1', black: 30 + 3 * d }, { serial: 'A2', black: 80 + d }, { serial: 'A3', black: 50 }, { serial: 'A4', black: 20 + 5 * d }]);
      await run(b, at, [{ serial: 'B1', black: 20 + 2 * d }, { serial: 'B2', black: 80 }]);
    }
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('lists by level and forecast, in list order, read in pages', async () => {
    const list = await same(now);
    // A1 30 % at 3 %/day: 10 days (< 14); A4 20 % at 5 %/day: 4 days; B1 20 % at 2 %/day: 10 days. A2, A3, B2 not; drums and waste boxes not.
    expect(list).toEqual([`${await idOf('A4')}:1.1`, `${await idOf('A1')}:1.1`, `${await idOf('B1')}:1.1`]);
    expect((await suppliesToShip(c.db, { now: new Date(now), customer: 'BETA-0002' })).map((r) => r.serial)).toEqual(['B1']);
  });

  it('follows level changes at ingest (down onto the list, up off it)', async () => {
    // B2 drops to 10 % (level threshold), A4 gets a new cartridge (100 %): off the list.
    await run(b, now - HOUR / 2, [{ serial: 'B1', black: 19 }, { serial: 'B2', black: 10 }]);
    await run(a, now - HOUR / 2, [{ serial: 'A1', black: 29 }, { serial: 'A2', black: 80 }, { serial: 'A3', black: 50, state: 'low' }, { serial: 'A4', black: 100 }]);
    const list = await same(now);
    expect(list).toContain(`${await idOf('B2')}:1.1`);
    expect(list).toContain(`${await idOf('A3')}:1.1`); // the device says low
    expect(list).not.toContain(`${await idOf('A4')}:1.1`);
  });

  it('follows a customer\'s threshold change', async () => {
    const before = await same(now);
    await setThresholds(c.db, 'ALPHA-0001', { belowPercent: 85, days: 1 });
    const after = await same(now);
    expect(after).toContain(`${await idOf('A2')}:1.1`); // 80 % <= 85 %
    expect(after).toContain(`${await idOf('A1')}:1.2`); // drums at 80 % too
    expect(after.length).toBeGreaterThan(before.length);
    await setThresholds(c.db, 'ALPHA-0001', { belowPercent: 15, days: 14 });
    expect(await same(now)).toEqual(before);
  });

  it('drops what was shipped until the next cartridge change, which clears the mark', async () => {
    const b1 = await idOf('B1');
    await markShipped(c.db, b1, '1.1', 'test', new Date(now - HOUR / 3));
    expect(await same(now)).not.toContain(`${b1}:1.1`);
    // Still low and falling: stays off while shipped.
    await run(b, now - HOUR / 4, [{ serial: 'B1', black: 18 }, { serial: 'B2', black: 10 }]);
    expect(await same(now)).not.toContain(`${b1}:1.1`);
    // The new cartridge goes in (level jumps): the mark is gone; full, so not listed; then it runs low again and is listed.
    await run(b, now - HOUR / 8, [{ serial: 'B1', black: 100 }, { serial: 'B2', black: 10 }]);
    expect(await c.db.all('SELECT * FROM supply_shipments WHERE device_id = ?', [b1])).toEqual([]);
    expect(await same(now)).not.toContain(`${b1}:1.1`);
    await run(b, now - HOUR / 16, [{ serial: 'B1', black: 5 }, { serial: 'B2', black: 10 }]);
    expect(await same(now)).toContain(`${b1}:1.1`);
  });

  it('brings forecast supplies onto the list as time passes, with no write', async () => {
    const today = await same(now);
    const later = await same(now + 70 * DAY);
    expect(later).toContain(`${await idOf('A2')}:1.1`); // 80 % at 1 %/day: empty in ~80 days, listed from 14 days before (day 66)
    expect(today).not.toContain(`${await idOf('A2')}:1.1`);
    expect(later.length).toBeGreaterThan(today.length);
  });

  it('the migration that creates the kept list from an existing database fills it as ingest keeps it', async () => {
    const kept = await c.db.all('SELECT * FROM supply_ship ORDER BY device_id, idx');
    expect(kept.length).toBeGreaterThan(3);
    const m = MIGRATIONS.find((x) => x.version === 7)!;
    const fill = (Array.isArray(m.statements) ? m.statements : m.statements[c.db.dialect]).find((x) => x.startsWith('INSERT INTO supply_ship'))!;
    await c.db.run('DELETE FROM supply_ship');
    await c.db.run(render(fill, c.db.dialect));
    expect(await c.db.all('SELECT * FROM supply_ship ORDER BY device_id, idx')).toEqual(kept);
  });

  it('low supplies report reads in pages that add up to the whole report', async () => {
    const all = await lowSupplies(c.db, { belowPercent: 20 });
    expect(all.length).toBeGreaterThan(3);
    expect(all.some((s) => s.state === 'almostFull')).toBe(true); // waste boxes
    const pages: string[] = [];
    let after = null;
    for (let i = 0; i < 100; i++) {
      const rows = await lowSupplies(c.db, { belowPercent: 20, limit: 2, after });
      pages.push(...rows.map((r) => `${r.deviceId}:${r.supply}`));
      if (rows.length < 2) break;
      after = lowCursor(rows[rows.length - 1]!);
    }
    expect(pages).toEqual(all.map((r) => `${r.deviceId}:${r.supply}`));
    expect(new Set(pages).size).toBe(pages.length);
  });
});
