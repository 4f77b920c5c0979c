/**
 * What the console reads by index at fleet size (bench/console), checked against its definition on
 * both databases over real HTTP ingestion: counters that went backwards kept at ingest
 * (counter_backwards) against the consecutive-reads definition, also when readings arrive late and
 * out of order and when a fallback device merges into a serial-keyed one; meter reads by index
 * probes (near and far read on each side of each edge); the fleet page's model list by a loose index
 * scan and its customer summary grouped once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countersBackwards, meters, startCollector, type Collector } from '../src/index.js';
import { closePeriod } from '../src/billing/close.js';
import { billingReport } from '../src/billing/report.js';
import { customers, deviceModels } from '../src/api/devices.js';
import { decodeAgentCursor, encodeAgentCursor, listAgents } from '../src/api/agents.js';
import { dayIn } from '../src/api/history.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, reading, type Agent } from './helpers/client.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T08:00:00Z');

describe.each(BACKENDS.map((b, i) => [b().name, b, i] as const))('kept and probed at fleet size (%s)', (_name, makeBackend, n) => {
  const backend = makeBackend();
  let c: Collector;
  let a: Agent;
  let b: Agent;

  const send = async (agent: Agent, rs: object[]) => {
    const res = await post(c.url, agent, message(agent, rs));
    if (res.status !== 200) throw new Error(`refused: ${JSON.stringify(res.body)}`);
  };
  const at = (d: number, h = 0) => new Date(T0 + d * DAY + h * 3_600_000);

  /** Backwards pairs by definition: consecutive reads of each device's counter in (read_at, reading_id) order. */
  const expected = async () => {
    const rows = await c.db.all<Record<string, unknown>>('SELECT device_id, key, value, read_at, reading_id FROM counters ORDER BY device_id, key, read_at, reading_id');
    const out: string[] = [];
    for (let i = 1; i < rows.length; i++) {
      const p = rows[i - 1]!; const r = rows[i]!;
      if (p.device_id === r.device_id && p.key === r.key && Number(p.value) > Number(r.value)) out.push(`${String(r.device_id)}:${String(r.key)}:${String(p.value)}@${String(p.read_at)}>${String(r.value)}@${String(r.read_at)}`);
    }
    return out.sort();
  };
  const kept = async () => (await countersBackwards(c.db, { now: at(400), days: 1000 }))
    .map((r) => `${r.deviceId}:${r.counter}:${r.before}@${r.beforeAt}>${r.after}@${r.afterAt}`).sort();

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: `127.3.12.${10 + n}`, log: false, notify: { smtp: null, intervalMs: 3_600_000 } });
    a = { ...(await c.enroll('ALPHA-0001', 'alpha-pc')), customer: 'ALPHA-0001' };
    b = { ...(await c.enroll('BETA-0002', 'beta-pc')), customer: 'BETA-0002' };
    await c.enroll('BETA-0002', 'beta-revoked');
    await c.db.run("UPDATE agents SET revoked = 1 WHERE customer = 'BETA-0002' AND agent_id <> ?", [b.agentId]);
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('keeps counters that went backwards at ingest, in order, late, out of order and within one message', async () => {
    const dev = (serial: string, d: number, total: number, mono = total, h = 0) => reading({ serial, mac: null, model: `M-${serial}`, readAt: at(d, h), counters: { total, mono } });
    // In order: A1 goes back on day 3 (board replaced), B1 never.
    for (let d = 0; d < 5; d++) await send(a, [dev('A1', d, d === 3 ? 50 : 1000 + d * 100), dev('A2', d, 500 + d * 10)]);
    for (let d = 0; d < 3; d++) await send(b, [dev('B1', d, 10 + d)]);
    expect(await kept()).toEqual(await expected());
    expect((await kept()).length).toBe(2); // A1 total and mono: 1200 -> 50
    // A late reading between two stored ones: A2 day 1.5 reads lower than day 2 (two pairs change); then one after everything.
    await send(a, [dev('A2', 1, 400, 400, 12)]);
    expect(await kept()).toEqual(await expected());
    // One message with several reads of the same device, out of order, one going back inside the message.
    await send(b, [dev('B1', 7, 30), dev('B1', 5, 40), dev('B1', 6, 35), dev('B1', 4, 5)]);
    expect(await kept()).toEqual(await expected());
    // A late read that mends a pair: A1 day 2.5 at 40 makes 1200 -> 40 the drop and 40 -> 50 no drop.
    await send(a, [dev('A1', 2, 40, 40, 12)]);
    expect(await kept()).toEqual(await expected());
    expect(await kept()).toContain(`${(await c.db.get<{ id: number }>("SELECT id FROM devices WHERE serial = 'A1'"))!.id}:total:1200@${at(2).toISOString()}>40@${at(2, 12).toISOString()}`);
    // Customer scope and window.
    const beta = await countersBackwards(c.db, { now: at(400), days: 1000, customer: 'BETA-0002' });
    expect(new Set(beta.map((r) => r.customer))).toEqual(new Set(['BETA-0002']));
    expect(await countersBackwards(c.db, { now: at(30), days: 1 })).toEqual([]);
    // The supplies page shows a first page of them (limit), in the report's order.
    const every = await countersBackwards(c.db, { now: at(400), days: 1000 });
    expect(await countersBackwards(c.db, { now: at(400), days: 1000, limit: 2 })).toEqual(every.slice(0, 2));
  });

  it('recomputes the pairs when a fallback device merges into a serial-keyed one', async () => {
    // Read without serial or MAC (a fallback device), then the same printer with its serial: history moves over.
    const fb = (d: number, total: number, serial: string | null) => reading({ serial, mac: null, model: 'M-FB', ip: '10.9.9.9', readAt: at(d), counters: { total } });
    await send(a, [fb(10, 900, null)]);
    await send(a, [fb(11, 100, null)]);
    await send(a, [fb(12, 150, 'FB1')]);
    expect(await kept()).toEqual(await expected());
  });

  it('meter reads from index probes match reads of every counter around the edges', async () => {
    const rep = await meters(c.db, { from: at(1).toISOString(), to: at(3, 1).toISOString() }, { customer: 'ALPHA-0001' });
    const a1 = rep.rows.filter((r) => r.serial === 'A1');
    expect(a1.map((r) => [r.counter, r.start.value, r.start.source, r.end.value, r.end.source, r.status])).toEqual([
      ['total', 1100, 'read', 50, 'read', 'backwards'], ['mono', 1100, 'read', 50, 'read', 'backwards'],
    ]);
    const a2 = rep.rows.find((r) => r.serial === 'A2' && r.counter === 'total')!;
    expect([a2.start.value, a2.end.value, a2.pages, a2.unit]).toEqual([510, 530, 20, 'impressions']);
    // Between reads (no read within 24 h of the edge): interpolated from the nearest reads on both sides.
    const mid = await meters(c.db, { from: at(5, 12).toISOString(), to: at(6, 12).toISOString() }, { customer: 'BETA-0002', toleranceHours: 6 });
    const b1 = mid.rows.find((r) => r.serial === 'B1' && r.counter === 'total')!;
    expect([b1.start.value, b1.start.source, b1.end.value, b1.end.source]).toEqual([38, 'interpolated', 33, 'interpolated']);
    // Extrapolated from one side: the rate between the farthest and the nearest read before the edge.
    const ext = await meters(c.db, { from: at(0).toISOString(), to: at(9, 12).toISOString() }, { customer: 'BETA-0002' });
    const e = ext.rows.find((r) => r.serial === 'B1' && r.counter === 'total')!;
    expect([e.end.source, e.end.value]).toEqual(['extrapolated', Math.round(30 + ((30 - 10) / (7 * DAY)) * 2.5 * DAY)]);
  });

  it('closes a period computing its meter reads once: the returned bill is the stored one, also chained to a closed one', async () => {
    const now = new Date(T0 + 400 * DAY);
    for (const label of ['2026-09', '2026-10']) {
      const closed = await closePeriod(c.db, 'BETA-0002', label, { now, by: 'test' });
      expect(closed.state).toBe('closed');
      expect(JSON.parse(JSON.stringify(closed))).toEqual(JSON.parse(JSON.stringify(await billingReport(c.db, 'BETA-0002', label, { now }))));
    }
  });

  it('lists models by a loose index scan and groups the customer summary once', async () => {
    const all = (await c.db.all<{ model: string }>('SELECT DISTINCT model FROM devices WHERE model IS NOT NULL ORDER BY model')).map((r) => r.model);
    expect(await deviceModels(c.db, undefined)).toEqual(all);
    expect(await deviceModels(c.db, 'BETA-0002')).toEqual(['M-B1']);
    expect(await deviceModels(c.db, 'NOBODY')).toEqual([]);
    const sum = await customers(c.db, undefined);
    expect(sum.map((s) => [s.customer, s.agents, s.devices])).toEqual([['ALPHA-0001', 1, 4], ['BETA-0002', 1, 1]]);
    expect(sum[0]!.lastHeardAt).not.toBeNull();
    expect((await customers(c.db, 'BETA-0002')).map((s) => s.customer)).toEqual(['BETA-0002']);
  });

  it('pages the agents by customer and id, devices counted per agent', async () => {
    const all = await listAgents(c.db, undefined);
    expect(all.map((x) => x.customer)).toEqual(['ALPHA-0001', 'BETA-0002', 'BETA-0002']);
    expect(all.find((x) => x.agentId === a.agentId)!.devices).toBe(4); // A1, A2, FB1 and the fallback device merged into it (rows last read by the agent)
    const paged: string[] = [];
    let after = null;
    for (let i = 0; i < 5; i++) {
      const rows = await listAgents(c.db, undefined, { limit: 1, after });
      if (!rows.length) break;
      paged.push(rows[0]!.agentId);
      after = decodeAgentCursor(encodeAgentCursor(rows[0]!));
    }
    expect(paged).toEqual(all.map((x) => x.agentId));
    expect((await listAgents(c.db, 'BETA-0002', { limit: 10 })).map((x) => x.agentId)).toEqual(all.slice(1).map((x) => x.agentId));
    expect(decodeAgentCursor('not-a-cursor')).toBeNull();
  });
});

describe('local days of a year of reads (device charts)', () => {
  it('match the zone\'s own formatting across offset changes, half- and quarter-hour zones', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'America/Sao_Paulo']) {
      const fast = dayIn(tz);
      const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
      const wrong: string[] = [];
      for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2026-12-31T00:00:00Z'); t += 29 * 60_000 + 7_000) {
        const iso = new Date(t).toISOString();
        if (fast(iso) !== f.format(t)) wrong.push(`${tz} ${iso}`);
      }
      expect(wrong).toEqual([]);
    }
    expect(dayIn('Europe/Berlin')('2026-03-29T00:59:59.000Z')).toBe('2026-03-29');
    expect(dayIn('Europe/Berlin')('2026-10-24T22:30:00.000Z')).toBe('2026-10-25');
  });
});
