/**
 * What `serve` runs by itself: the daily retention and rollups (claimed by one collector of
 * several, off when asked), and the device history's days in the customer's time zone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, setBillingCalendar, startCollector, type Collector } from '../src/index.js';
import { deviceHistory } from '../src/api/history.js';
import { claimRun } from '../src/retention/timer.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, reading, type Agent } from './helpers/client.js';
import { until } from './helpers/receivers.js';

const DAY = 86_400_000;

describe.each(BACKENDS.map((b, i) => [b().name, b, i] as const))('serve maintenance (%s)', (_name, makeBackend, n) => {
  const backend = makeBackend();
  const running: Collector[] = [];
  const host = `127.3.12.${10 + n}`;
  afterAll(async () => {
    for (const c of running) await c.stop();
    await backend.cleanup();
  });
  const start = async (url: string, retention: Parameters<typeof startCollector>[0]['retention']) => {
    const c = await startCollector({ db: url, host, log: false, notify: false, retention });
    running.push(c);
    return c;
  };
  const count = async (c: Collector, sql: string, p: unknown[] = []) => Number((await c.db.get<{ n: number }>(sql, p))!.n);

  it('rolls up and prunes on its own timer, once per period among several collectors; not when turned off', async () => {
    const url = await backend.url();
    const now = Date.now();
    // Turned off: 20 days of readings stay raw.
    const off = await start(url, false);
    const agent: Agent = { ...(await off.enroll('KEEP-0001', 'keep-pc')), customer: 'KEEP-0001' };
    for (let d = 20; d >= 0; d--) {
      const res = await post(off.url, agent, message(agent, [reading({ serial: 'K-1', readAt: new Date(now - d * DAY - 3_600_000), counters: { total: 1000 + 100 * (20 - d) } })]));
      expect(res.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await count(off, 'SELECT COUNT(*) AS n FROM readings')).toBe(21);
    expect(await count(off, 'SELECT COUNT(*) AS n FROM counter_daily')).toBe(0);
    await off.stop();
    running.pop();

    // On (keep 5 days): the first check claims the run, rolls up every day, deletes raw readings older than 5 days.
    const on = await start(url, { rawDays: 5, firstCheckMs: 20, checkMs: 50, everyMs: 3_600_000 });
    await until(async () => !!(await on.db.get("SELECT outcome FROM maintenance_runs WHERE name = 'retention' AND outcome IS NOT NULL")), 'the retention run', 30_000);
    const cutoff = new Date(now - 5 * DAY).toISOString().slice(0, 10);
    expect(await count(on, 'SELECT COUNT(*) AS n FROM readings WHERE read_at < ?', [`${cutoff}T00:00:00.000Z`])).toBe(0);
    expect(await count(on, 'SELECT COUNT(*) AS n FROM readings')).toBeGreaterThanOrEqual(5);
    expect(await count(on, "SELECT COUNT(*) AS n FROM counter_daily WHERE key = 'total'")).toBeGreaterThanOrEqual(20);
    const outcome = String((await on.db.get<{ outcome: string }>("SELECT outcome FROM maintenance_runs WHERE name = 'retention'"))!.outcome);
    expect(outcome).toMatch(/deleted 1[4-6] readings/);

    // A second collector on the same database: the period is claimed, it does not run again; a period later one claim wins.
    const db2 = await openDb(url);
    try {
      expect(await claimRun(db2, 3_600_000)).toBe(false);
      expect(await claimRun(db2, 3_600_000, Date.now() + 2 * 3_600_000)).toBe(true);
      expect(await claimRun(db2, 3_600_000, Date.now() + 2 * 3_600_000)).toBe(false);
    } finally {
      await db2.close();
    }
  }, 60_000);

  it('counts pages per day in the customer\'s time zone', async () => {
    const c = await start(await backend.url(), false);
    const agent: Agent = { ...(await c.enroll('KIWI-0001', 'kiwi-pc')), customer: 'KIWI-0001' };
    await setBillingCalendar(c.db, 'KIWI-0001', { timeZone: 'Pacific/Auckland' }); // UTC+13 in November
    // 10 Nov 10:00Z = 10 Nov 23:00 there; 10 Nov 12:00Z = 11 Nov 01:00; 11 Nov 12:00Z = 12 Nov 01:00.
    for (const [at, total] of [['2026-11-10T10:00:00.000Z', 1000], ['2026-11-10T12:00:00.000Z', 1100], ['2026-11-11T12:00:00.000Z', 1500]] as const) {
      expect((await post(c.url, agent, message(agent, [reading({ serial: 'W-1', readAt: at, counters: { total } })]))).status).toBe(200);
    }
    const id = Number((await c.db.get<{ id: number }>("SELECT id FROM devices WHERE serial = 'W-1'"))!.id);
    const h = await deviceHistory(c.db, id, { now: Date.parse('2026-11-13T00:00:00Z') });
    expect(h.timeZone).toBe('Pacific/Auckland');
    // In UTC days this would be one day of 400 pages (10 Nov: 1000..1100, 11 Nov: 1500).
    expect(h.days.map((d) => [d.day, d.total])).toEqual([['2026-11-11', 100], ['2026-11-12', 400]]);
    const utc = await deviceHistory(c.db, id, { now: Date.parse('2026-11-13T00:00:00Z'), timeZone: 'UTC' });
    expect(utc.days.map((d) => [d.day, d.total])).toEqual([['2026-11-11', 400]]);
  });
});
