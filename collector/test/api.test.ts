/** The REST API with per-user tokens: the same role rules as the pages, on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/auth/audit.js';
import { createToken } from '../src/auth/tokens.js';
import { findUser } from '../src/auth/users.js';
import { startCollector, type Collector } from '../src/index.js';
import { eventById } from '../src/notify/evaluate.js';
import { addRule } from '../src/notify/rules.js';
import { message, post, reading } from './helpers/client.js';
import { BACKENDS } from './helpers/backends.js';
import { call, deviceId, seedConsole } from './helpers/console.js';

describe.each(BACKENDS.map((b) => [b().name, b] as const))('console API (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  let c: Collector;
  const tok: Record<string, string> = {};
  let world: Awaited<ReturnType<typeof seedConsole>>;
  const api = (path: string, who: string, o: { method?: string } = {}) => call(`${c.url}${path}`, { token: tok[who], method: o.method });

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: '127.3.7.4', log: false });
    world = await seedConsole(c);
    for (const u of ['admin', 'tech', 'acme', 'other']) tok[u] = (await createToken(c.db, (await findUser(c.db, u))!.id, `${u} test`)).token;
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('answers 401 without a token or with a wrong one, and serves its OpenAPI document', async () => {
    expect((await call(`${c.url}/api/v1/devices`)).status).toBe(401);
    expect((await call(`${c.url}/api/v1/devices`, { token: `amr_${'x'.repeat(43)}` })).status).toBe(401);
    expect((await call(`${c.url}/api/v1/devices`, { headers: { Authorization: 'Basic eDp5' } })).status).toBe(401);
    const doc = await call(`${c.url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    // Every documented GET answers (ids filled in), so the document and the routes agree.
    const a = await deviceId(c, 'A-100');
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      if (!ops.get) continue;
      const r = await api(path.replace('{id}', String(a)).replace('{supply}', 'x'), 'admin');
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
    }
  });

  it('gives a customer user only its own devices; another customer\'s id is 404', async () => {
    const mine = await api('/api/v1/devices', 'acme');
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.devices.map((d: { customer: string }) => d.customer))).toEqual(new Set(['ACME-0001']));
    expect(mine.body.total).toBe(7); // A, B, C, D, E, G (never read), H (hostile)
    const asked = await api('/api/v1/devices?customer=OTHER-0002', 'acme');
    expect(asked.body.devices.every((d: { customer: string }) => d.customer === 'ACME-0001')).toBe(true);
    const f = await deviceId(c, 'F-1');
    for (const p of [`/api/v1/devices/${f}`, `/api/v1/devices/${f}/readings`, `/api/v1/devices/${f}/history`]) {
      const r = await api(p, 'acme');
      expect({ p, status: r.status, leaked: r.text.includes('F-1') }).toEqual({ p, status: 404, leaked: false });
    }
    expect((await api(`/api/v1/devices/${f}`, 'other')).body.serial).toBe('F-1');
    expect((await api(`/api/v1/devices/999999`, 'admin')).status).toBe(404);
    const meters = await api('/api/v1/meters?period=2025-03&customer=OTHER-0002', 'acme');
    expect(meters.body.bills.map((b: { customer: string }) => b.customer)).toEqual(['ACME-0001']);
    expect(meters.body.bills[0].rows.every((r: { customer: string }) => r.customer === 'ACME-0001')).toBe(true);
    const alerts = await api('/api/v1/alerts', 'other');
    expect(alerts.body.alerts).toEqual([]);
    const agents = await api('/api/v1/agents', 'acme');
    expect(agents.body.agents.map((x: { agentId: string }) => x.agentId)).toEqual(['acme-pc']);
  });

  it('shows the spool backlog and last run an agent sends with its messages; an older message does not overwrite a newer status', async () => {
    const status = (messages: number, outcome: string) => ({ spool: { messages, bytes: 1234, oldest: '2025-04-09T00:00:00.000Z', quarantined: 0 }, lastRun: { finishedAt: '2025-04-10T06:05:00.000Z', outcome, exitCode: 0 } });
    const now = Date.now();
    const send = (createdAt: number, st: object) => post(c.url, world.acme, message(world.acme, [], { type: 'heartbeat', createdAt: new Date(createdAt).toISOString(), agentStatus: st }));
    expect((await send(now - 1000, status(3, 'ok'))).status).toBe(200);
    expect((await send(now - 60_000, status(99, 'failed'))).status).toBe(200); // older, delivered late
    expect((await send(now, { spool: 'garbage' })).status).toBe(200); // malformed status: the message still counts
    const a = (await api('/api/v1/agents', 'admin')).body.agents.find((x: { agentId: string }) => x.agentId === 'acme-pc');
    expect({ backlog: a.spoolBacklog, outcome: a.lastRunOutcome, at: a.lastRunAt }).toEqual({ backlog: 3, outcome: 'ok', at: '2025-04-10T06:05:00.000Z' });
  });

  it('filters devices by status, low supplies, model and search', async () => {
    const serials = async (q: string) => (await api(`/api/v1/devices?${q}`, 'tech')).body.devices.map((d: { serial: string | null; mac: string }) => d.serial ?? d.mac).sort();
    expect(await serials('status=warning')).toEqual(['A-100']);
    expect(await serials('status=error')).toEqual(['G-1']); // only failed reads: unreachable
    expect(await serials('low=1')).toEqual(['A-100']);
    expect(await serials('q=kyocera')).toEqual(['B-1']);
    expect(await serials('model=HL-L8360CDW')).toEqual(['D-9']);
    expect(await serials('q=100%25')).toEqual([]); // LIKE wildcards are literal
    expect((await api('/api/v1/devices?limit=x', 'tech')).status).toBe(400);
    const page = await api('/api/v1/devices?limit=2&offset=2', 'tech');
    expect({ total: page.body.total, n: page.body.devices.length }).toEqual({ total: 8, n: 2 });
  });

  it('lists a device never read as "no data" in the meter reads, never as numbers', async () => {
    const m = await api('/api/v1/meters?period=2025-03', 'tech');
    expect(m.body.bills.map((b: { customer: string; state: string }) => `${b.customer} ${b.state}`)).toEqual(['ACME-0001 final', 'OTHER-0002 final']);
    const g = m.body.bills[0].rows.filter((r: { serial: string }) => r.serial === 'G-1');
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ start: { value: null }, end: { value: null }, pages: null, status: 'no data' });
    expect((await api('/api/v1/meters?period=2099-01', 'tech')).status).toBe(400); // not begun: refused
    expect((await api('/api/v1/meters?period=2025-13', 'tech')).status).toBe(400);
  });

  it('lets technicians acknowledge alerts (audited), not customers', async () => {
    const list = await api('/api/v1/alerts', 'acme');
    expect(list.body.alerts).toHaveLength(1);
    const id = list.body.alerts[0].id as string;
    expect((await api(`/api/v1/alerts/${id}/ack`, 'acme', { method: 'POST' })).status).toBe(403);
    expect((await api(`/api/v1/alerts/${id}/ack`, 'other', { method: 'POST' })).status).toBe(403);
    expect((await api(`/api/v1/alerts/1.AAAAAAAAAAAAAAAA/ack`, 'tech', { method: 'POST' })).status).toBe(404);
    const ack = await api(`/api/v1/alerts/${id}/ack`, 'tech', { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(ack.body.alert.ackedBy).toBe('tech');
    expect((await api('/api/v1/alerts', 'acme')).body.alerts[0].ackedBy).toBe('tech');
    expect((await auditLog(c.db)).find((e) => e.action === 'alert.ack')).toMatchObject({ actor: 'tech' });
    expect((await api('/api/v1/alerts', 'acme', { method: 'POST' })).status).toBe(405);
  });

  it('lists supplies to ship in scope; a technician marks one shipped and it leaves the list; customers may not', async () => {
    const mine = await api('/api/v1/supplies/to-ship', 'acme');
    const cyan = mine.body.toShip.find((x: { serial: string; description: string }) => x.serial === 'A-100' && x.description === 'Cyan Toner');
    expect(cyan).toBeDefined();
    expect((await api('/api/v1/supplies/to-ship', 'other')).body.toShip).toEqual([]);
    const path = `/api/v1/devices/${cyan.deviceId}/supplies/${encodeURIComponent(cyan.supply)}/shipped`;
    expect((await api(path, 'acme', { method: 'POST' })).status).toBe(403);
    expect((await api(`/api/v1/devices/${cyan.deviceId}/supplies/nope/shipped`, 'tech', { method: 'POST' })).status).toBe(404);
    expect((await api(path, 'tech', { method: 'POST' })).status).toBe(200);
    const after = await api('/api/v1/supplies/to-ship', 'acme');
    expect(after.body.toShip.some((x: { serial: string; description: string }) => x.serial === 'A-100' && x.description === 'Cyan Toner')).toBe(false);
    const f = await deviceId(c, 'F-1');
    expect((await api(`/api/v1/forecasts?device=${f}`, 'acme')).status).toBe(404);
    const fc = await api('/api/v1/forecasts', 'acme');
    expect(fc.body.forecasts.length).toBeGreaterThan(0);
    expect(fc.body.forecasts.every((x: { customer: string }) => x.customer === 'ACME-0001')).toBe(true);
  });

  it('lists notifications in scope; technicians acknowledge them', async () => {
    await addRule(c.db, { kind: 'supply-empty', webhook: 'http://127.3.7.4:9/hook' });
    const r = await post(c.url, world.acme, message(world.acme, [reading({
      serial: 'B-1', vendor: 'Kyocera', model: 'ECOSYS P3145dn', mac: 'aa:bb:cc:00:00:0b', readAt: new Date(), counters: { total: 9000 },
      supplies: [{ description: 'Black Toner', color: 'black', levelPercent: 0, state: 'empty' }],
    })]));
    expect(r.status).toBe(200);
    const list = await api('/api/v1/notifications', 'acme');
    const ev = list.body.notifications.find((e: { kind: string }) => e.kind === 'supply-empty');
    expect(ev).toMatchObject({ customer: 'ACME-0001', state: 'open', ackedBy: null });
    expect((await api('/api/v1/notifications', 'other')).body.notifications).toEqual([]);
    expect((await api(`/api/v1/notifications/${ev.id}/ack`, 'acme', { method: 'POST' })).status).toBe(403);
    expect((await api(`/api/v1/notifications/${ev.id}/ack`, 'other', { method: 'POST' })).status).toBe(403);
    expect((await api(`/api/v1/notifications/${ev.id + 1_000_000}/ack`, 'tech', { method: 'POST' })).status).toBe(404);
    // The lookup is by id in the viewer's scope: a customer's scope finds only its own customer's event.
    expect(await eventById(c.db, ev.id, { customer: 'OTHER-0002' })).toBeNull();
    expect(await eventById(c.db, ev.id, { customer: 'ACME-0001' })).toMatchObject({ id: ev.id, kind: 'supply-empty' });
    expect(await eventById(c.db, ev.id + 1_000_000)).toBeNull();
    // 10,000 newer events (another customer's) do not hide it: the ack once searched only the newest 10,000.
    await c.db.run(`INSERT INTO notify_events (rule_id, subject, kind, customer, state, opened_at)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
      SELECT ?, 'filler:' || i, 'supply-empty', 'ZZ-0009', 'cleared', ? FROM n`, [ev.ruleId, '2099-01-01T00:00:00.000Z']);
    expect((await api(`/api/v1/notifications/${ev.id}/ack`, 'tech', { method: 'POST' })).status).toBe(200);
    await c.db.run("DELETE FROM notify_events WHERE customer = 'ZZ-0009'");
    expect((await api('/api/v1/notifications', 'acme')).body.notifications.find((e: { id: number }) => e.id === ev.id).ackedBy).toBe('tech');
  });
});
