// bench/console: a dealer's database at full fleet size, and how fast the console's queries and
// ingestion are on it. PostgreSQL seeded with set-based SQL (seed-pg.mjs); SQLite copied from it
// in batched transactions. Usage (inside your network namespace; needs collector/dist built):
//   node bench/console/run.mjs [--devices 100000] [--raw-days 7] [--daily-days 365] [--year-devices N] [--sqlite] [--ingest-seconds 20] [--keep DIR]
//     [--seed-only] [--pgdata DIR (measure a kept cluster)] [--skip-pg (with --sqlite: only the SQLite copy)] [--ingest-only] [--now ISO (the seed's)]
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from '../../collector/node_modules/pg/lib/index.js';
import Database from '../../collector/node_modules/better-sqlite3/lib/index.js';
import * as C from '../../collector/dist/index.js';
import { seedStatements } from './seed-pg.mjs';
import * as DH from '../../collector/dist/api/history.js';
import { addUser } from '../../collector/dist/auth/users.js';
import { createSession } from '../../collector/dist/auth/sessions.js';
import { createToken } from '../../collector/dist/auth/tokens.js';
import { defaultKeyFile } from '../../collector/dist/agent-keys.js';

const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : d; };
const DEVICES = Number(opt('devices', '100000'));
const AGENTS = DEVICES / 20;
const CUSTOMERS = Math.max(1, AGENTS / 5);
const RAW_DAYS = Number(opt('raw-days', '7'));
const DAILY_DAYS = Number(opt('daily-days', '365'));
const INGEST_S = Number(opt('ingest-seconds', '20'));
const YEAR_DEVICES = Number(opt('year-devices', '0'));
const RUNS = Number(opt('runs', '20'));
const SKIP_PG = args.includes('--skip-pg');
const NOW = opt('now') ?? new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
const dir = opt('keep') ?? mkdtempSync(join(tmpdir(), 'amr-bench-console-'));
chmodSync(dir, 0o755);
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);

// PostgreSQL with durable settings (fsync on, unlike the test cluster), 256 MB shared buffers.
const bindir = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).trim();
const asPg = (cmd, a) => (process.getuid() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...a], { stdio: 'pipe' }) : execFileSync(cmd, a, { stdio: 'pipe' }));
const PGDATA = opt('pgdata'); // measure an already seeded cluster (a copy of a kept one) instead of seeding
const pgdir = join(dir, 'pg');
const port = Number(opt('port', '15432'));
function startPg() {
  if (opt('pgurl')) return;
  execFileSync('mkdir', ['-p', pgdir]);
  if (process.getuid() === 0) execFileSync('chown', ['postgres:', pgdir]);
  if (!PGDATA) asPg(`${bindir}/initdb`, ['-D', join(pgdir, 'data'), '-U', 'amr', '--auth=trust', '-E', 'UTF8']);
  asPg(`${bindir}/pg_ctl`, ['-D', PGDATA ?? join(pgdir, 'data'), '-l', join(pgdir, 'log'), '-w', '-t', '60', '-o',
    `-h 127.0.0.1 -p ${port} -k ${pgdir} -c shared_buffers=256MB -c work_mem=32MB -c maintenance_work_mem=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min`, 'start']);
}
const stopPg = () => { if (opt('pgurl')) return; try { asPg(`${bindir}/pg_ctl`, ['-D', PGDATA ?? join(pgdir, 'data'), '-m', 'fast', '-w', 'stop']); } catch { /* gone */ } };
// --pgurl URL: measure a cluster that is already running (e.g. another run's, by its socket directory); not started or stopped here.
const PGURL = opt('pgurl') ?? `postgres://amr@127.0.0.1:${port}/postgres`;

function pct(xs, p) { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; }
async function time(label, fn, runs = RUNS) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) { const t = performance.now(); out = await fn(i); ms.push(performance.now() - t); }
  const r = { label, runs, p50: pct(ms, 50), p95: pct(ms, 95), rows: Array.isArray(out) ? out.length : out?.rows?.length ?? out?.devices?.length ?? out?.daily?.length ?? '' };
  log(`${label.padEnd(48)} p50 ${r.p50.toFixed(1).padStart(8)} ms  p95 ${r.p95.toFixed(1).padStart(8)} ms  rows ${r.rows}`);
  return r;
}

async function measure(db, name) {
  const res = [];
  const cust = (i) => `C-${String(1 + ((i * 37) % CUSTOMERS)).padStart(4, '0')}`;
  const dev = (i) => 1 + ((i * 7919) % DEVICES);
  const month = NOW.slice(0, 7);
  const prev = new Date(`${month}-01T00:00:00Z`); prev.setUTCMonth(prev.getUTCMonth() - 1);
  res.push(await time(`${name} fleet page, one customer (fleet)`, (i) => C.fleet(db, { customer: cust(i) })));
  res.push(await time(`${name} device page, a year raw (identity, supplies, forecasts, events, history)`, async (i) => {
    const id = 1 + ((i * 37) % Math.max(1, YEAR_DEVICES));
    const [d] = await Promise.all([
      db.get('SELECT * FROM devices WHERE id = ?', [id]), C.forecasts(db, { deviceId: id }), C.events(db, { deviceId: id, limit: 50 }),
      C.cartridgeChanges(db, { deviceId: id }),
    ]);
    return DH.deviceHistory(db, id, { now: Date.parse(NOW) }).then((h) => (d ? h.days : null));
  }));
  res.push(await time(`${name} device page (identity, supplies, forecasts, events, 1 y history)`, async (i) => {
    const id = dev(i);
    const [d] = await Promise.all([
      db.get('SELECT * FROM devices WHERE id = ?', [id]), C.forecasts(db, { deviceId: id }), C.events(db, { deviceId: id, limit: 50 }),
      C.cartridgeChanges(db, { deviceId: id }),
    ]);
    return C.deviceHistory(db, id, { now: new Date(NOW) }).then((h) => (d ? h : null));
  }));
  res.push(await time(`${name} supplies to ship, whole dealer, first page (100)`, () => C.suppliesToShip(db, { now: new Date(NOW), limit: 100 })));
  let after = null;
  res.push(await time(`${name} supplies to ship, whole dealer, next pages (keyset)`, async () => {
    const rows = await C.suppliesToShip(db, { now: new Date(NOW), limit: 100, after });
    after = rows.length ? C.shipCursor(rows[rows.length - 1]) : null;
    return rows;
  }));
  res.push(await time(`${name} supplies to ship, whole dealer, all (CSV export, pages of 2000)`, async () => {
    let n = 0;
    for await (const rows of C.suppliesToShipPages(db, { now: new Date(NOW) })) n += rows.length;
    return { rows: { length: n } };
  }, Math.min(RUNS, 3)));
  res.push(await time(`${name} supplies to ship, one customer`, (i) => C.suppliesToShip(db, { customer: cust(i), now: new Date(NOW), limit: 100 })));
  res.push(await time(`${name} forecasts, one customer`, (i) => C.forecasts(db, { customer: cust(i) })));
  res.push(await time(`${name} open notifications, whole dealer (500)`, () => C.events(db, { open: true, limit: 500 })));
  res.push(await time(`${name} meter reads (billing close input), one customer, last 7 d`, (i) => C.meters(db, { from: new Date(Date.parse(NOW) - 7 * 86_400_000).toISOString(), to: NOW }, { customer: cust(i) })));
  res.push(await time(`${name} low supplies report, whole dealer, first page (100)`, () => C.lowSupplies(db, { limit: 100 })));
  res.push(await time(`${name} low supplies report, whole dealer, all`, () => C.lowSupplies(db, {}), Math.min(RUNS, 3)));
  // Billing close of the last month: customers with a year of raw readings (C-0001..) and customers billed from rollups.
  const prevLabel = prev.toISOString().slice(0, 7);
  let closeN = 0;
  const yearCustomers = Math.max(1, Math.floor(YEAR_DEVICES / 100));
  res.push(await time(`${name} billing period close ${prevLabel}, one customer (100 printers, a year raw)`, async () => {
    const code = `C-${String(1 + (closeN++ % yearCustomers)).padStart(4, '0')}`;
    await db.run('DELETE FROM bill_lines WHERE customer = ? AND period = ?', [code, prevLabel]);
    await db.run('DELETE FROM bill_adjustments WHERE customer = ? AND period = ?', [code, prevLabel]).catch(() => undefined);
    await db.run('DELETE FROM bills WHERE customer = ? AND period = ?', [code, prevLabel]);
    const r = await C.closePeriod(db, code, prevLabel, { now: new Date(NOW), by: 'bench' });
    return { rows: r.rows ?? r.lines ?? [] };
  }, Math.min(RUNS, 10)));
  let closeM = 0;
  res.push(await time(`${name} billing period close ${prevLabel}, one customer (100 printers, rollups)`, async () => {
    const code = `C-${String(CUSTOMERS - (closeM++ % 50)).padStart(4, '0')}`;
    await db.run('DELETE FROM bill_lines WHERE customer = ? AND period = ?', [code, prevLabel]);
    await db.run('DELETE FROM bill_adjustments WHERE customer = ? AND period = ?', [code, prevLabel]).catch(() => undefined);
    await db.run('DELETE FROM bills WHERE customer = ? AND period = ?', [code, prevLabel]);
    const r = await C.closePeriod(db, code, prevLabel, { now: new Date(NOW), by: 'bench' });
    return { rows: r.rows ?? r.lines ?? [] };
  }, Math.min(RUNS, 10)));
  res.push(await time(`${name} stale report, 24 h`, () => C.stale(db, { hours: 24, now: new Date(NOW) }), 5));
  return res;
}

function reading(dev, n, level) {
  return {
    host: '10.0.0.1', readAt: new Date(Date.now() - 1000 + n).toISOString(), ok: true, error: null, reason: 'supply',
    identity: { serial: `SN${String(dev).padStart(7, '0')}`, ip: '10.0.0.1', mac: null, vendor: 'HP', model: 'Color LaserJet Pro M479fdw', firmware: '2409', hostname: null, location: null, sysObjectID: '1.3.6.1.4.1.11.2.3.9.1' },
    status: { device: 'running', printer: 'idle', errors: [] },
    counters: { total: { value: 9_000_000 + n, unit: 'impressions' }, mono: { value: 5_000_000 + n, unit: 'impressions' } },
    extraCounters: {}, supplies: [{ index: 1, description: 'Black Cartridge', type: 'toner', class: 'consumed', color: 'black', levelPercent: level, state: 'ok' }, { index: 2, description: 'Imaging Drum', type: 'opc', class: 'consumed', color: null, levelPercent: 80, state: 'ok' }],
    alerts: [], flags: [], profile: 'hp',
  };
}

/** Real HTTP ingestion: 40 agents, one request in flight each, 20 readings per message (one agent run). */
async function ingest(url, db) {
  const agents = [];
  for (let i = 0; i < 40; i++) agents.push({ ...(await C.enroll(db, `C-${String(i + 1).padStart(4, '0')}`, `bench-ingest-${randomUUID().slice(0, 8)}`)), i });
  const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  let readings = 0; let n = 0;
  const end = Date.now() + INGEST_S * 1000;
  const lat = [];
  await Promise.all(agents.map(async (a) => {
    // Each device's toner falls a point a run, a new cartridge every 80 runs (before 2026-12-07 the level
    // jumped about at random between runs: a cartridge change, two more statements, nearly every other run).
    let run = 0;
    while (Date.now() < end) {
      const messageId = randomUUID();
      const level = 90 - (run++ % 80);
      const rs = Array.from({ length: 20 }, (_, r) => reading(a.i * 20 + r + 1, n++, level));
      const body = gzipSync(JSON.stringify({ protocol: 1, type: 'readings', messageId, agentId: a.agentId, customer: a.customer, agentVersion: 'bench', createdAt: new Date().toISOString(), readings: rs }));
      const ts = Math.floor(Date.now() / 1000);
      const t = performance.now();
      await new Promise((resolve, reject) => {
        const req = request(`${url}/v1/messages`, { method: 'POST', agent: httpAgent, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length,
          'x-amr-agent': a.agentId, 'x-amr-timestamp': String(ts), 'x-amr-signature': 'v1=' + createHmac('sha256', a.key).update(`${ts}.`).update(body).digest('hex') } }, (res) => {
          let text = ''; res.on('data', (c) => (text += c)); res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode} ${text}`))));
        });
        req.on('error', reject); req.end(body);
      });
      lat.push(performance.now() - t);
      readings += 20;
    }
  }));
  httpAgent.destroy();
  const avg = DEVICES * 6.5 / 86_400;
  return { readingsPerSecond: readings / INGEST_S, target: 10 * avg, ratio: readings / INGEST_S / (10 * avg), p95ms: pct(lat, 95) };
}

/** The console's pages and the API over real HTTP, logged in (session cookie; API token), p50/p95 per route. */
async function httpRoutes(url, db, name) {
  const user = await addUser(db, { username: `bench-${randomUUID().slice(0, 6)}`, role: 'admin', password: 'bench-password-long' });
  const sess = await createSession(db, user.id, 'Europe/Berlin');
  const tok = await createToken(db, user.id, 'bench');
  const httpAgent = new Agent({ keepAlive: true, maxSockets: 4 });
  const get = (path, api) => new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: httpAgent, headers: api ? { authorization: `Bearer ${tok.token}` } : { cookie: `amr_session=${sess.id}` } }, (res) => {
      let n = 0; res.on('data', (c) => (n += c.length)); res.on('end', () => (res.statusCode === 200 ? resolve({ rows: { length: n } }) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject); req.end();
  });
  const cust = (i) => `C-${String(1 + ((i * 37) % CUSTOMERS)).padStart(4, '0')}`;
  const dev = (i) => 1 + ((i * 7919) % DEVICES);
  const res = [];
  const prevLabel = (() => { const p = new Date(`${NOW.slice(0, 7)}-01T00:00:00Z`); p.setUTCMonth(p.getUTCMonth() - 1); return p.toISOString().slice(0, 7); })();
  const routes = [
    ['GET / (fleet, whole dealer, first 100)', () => '/'],
    ['GET /?customer= (fleet, one customer)', (i) => `/?customer=${cust(i)}`],
    ['GET /devices/{id} (device page, charts)', (i) => `/devices/${dev(i)}`],
    ['GET /devices/{id} (device page, a year raw)', (i) => `/devices/${1 + ((i * 37) % Math.max(1, YEAR_DEVICES))}`],
    ['GET /supplies (to ship, low, silent, backwards; whole dealer)', () => '/supplies'],
    ['GET /supplies?customer=', (i) => `/supplies?customer=${cust(i)}`],
    ['GET /notifications', () => '/notifications'],
    ['GET /alerts', () => '/alerts'],
    ['GET /agents', () => '/agents'],
    ['GET /billing?customer= (last month)', (i) => `/billing?customer=${cust(i)}&period=${prevLabel}`],
    ['API /api/v1/devices?customer=', (i) => `/api/v1/devices?customer=${cust(i)}`, true],
    ['API /api/v1/devices/{id}', (i) => `/api/v1/devices/${dev(i)}`, true],
    ['API /api/v1/devices/{id}/history', (i) => `/api/v1/devices/${dev(i)}/history`, true],
    ['API /api/v1/supplies/to-ship?limit=100 (whole dealer)', () => '/api/v1/supplies/to-ship?limit=100', true],
    ['API /api/v1/supplies?limit=100 (whole dealer)', () => '/api/v1/supplies?limit=100', true],
    ['API /api/v1/forecasts?customer=', (i) => `/api/v1/forecasts?customer=${cust(i)}`, true],
    ['API /api/v1/notifications?open=1', () => '/api/v1/notifications?open=1', true],
    ['API /api/v1/meters?customer= (last month)', (i) => `/api/v1/meters?customer=${cust(i)}&period=${prevLabel}`, true],
  ];
  for (const [label, path, api] of routes) {
    try { res.push(await time(`${name} http ${label}`, (i) => get(path(i), api))); } catch (e) { log(`${name} http ${label}: ${e.message}`); res.push({ label: `${name} http ${label}`, error: e.message }); }
  }
  httpAgent.destroy();
  return res;
}

async function sizes(q) {
  const rows = (await q(`SELECT relname AS t, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC`)).rows;
  return rows.map((r) => ({ table: r.t, mb: Number(r.bytes) / 1048576 }));
}

async function main() {
  log(`seeding ${DEVICES} devices, ${AGENTS} agents, ${CUSTOMERS} customers; raw window ${RAW_DAYS} d, daily rollups ${DAILY_DAYS} d, monthly 12; dir ${dir}`);
  startPg();
  const db = await C.openDb(PGURL);
  const pgKeyFile = defaultKeyFile(db);
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  const seedTimes = [];
  for (const [name, sql] of PGDATA ? [] : seedStatements({ devices: DEVICES, agents: AGENTS, customers: CUSTOMERS, rawDays: RAW_DAYS, dailyDays: DAILY_DAYS, months: 12, now: NOW, yearDevices: YEAR_DEVICES })) {
    const t = performance.now();
    const r = await client.query(sql);
    seedTimes.push([name, (performance.now() - t) / 1000, r.rowCount]);
    log(`seed ${name}: ${r.rowCount ?? ''} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const counts = {};
  for (const t of ['devices', 'agents', 'readings', 'counters', 'supplies', 'supply_levels', 'supply_forecasts', 'counter_daily', 'counter_monthly', 'supply_daily', 'notify_events']) {
    counts[t] = Number((await client.query(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0].n);
  }
  log('counts', JSON.stringify(counts));
  const pgSizes = await sizes((s) => client.query(s));
  const total = (await client.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b / 1048576;
  log('sizes MB', JSON.stringify(pgSizes.filter((s) => s.mb > 1).map((s) => [s.table, Math.round(s.mb)])), 'database', Math.round(total));
  if (args.includes('--seed-only')) { await client.end(); await db.close(); return; }
  let results = [];
  let ing = null;
  if (!SKIP_PG) { // --skip-pg: only copy the (kept, --pgdata) cluster into SQLite and measure that
    const c = await C.startCollector({ db, host: '127.3.10.1', log: false, notify: { smtp: null, intervalMs: 3_600_000 } });
    if (!args.includes('--ingest-only')) { // --ingest-only: only the HTTP ingestion (on a kept cluster, --pgdata)
      results = await measure(db, 'pg');
      results.push(...await httpRoutes(c.url, db, 'pg'));
    }
    ing = await ingest(c.url, db);
    log(`pg ingestion: ${ing.readingsPerSecond.toFixed(0)} readings/s over HTTP (10x average arrival = ${ing.target.toFixed(0)}/s; ratio ${ing.ratio.toFixed(1)}x), message p95 ${ing.p95ms.toFixed(0)} ms`);
    await c.stop();
  }

  let sqlite = null;
  if (args.includes('--sqlite') && opt('sqlite-file')) { /* --sqlite-file PATH: measure a kept copy (no copying) */ } else if (args.includes('--sqlite')) {
    const file = join(dir, 'dealer.db');
    const sdb = await C.openDb(`sqlite:${file}`); // schema
    await sdb.close();
    const s = new Database(file);
    s.pragma('journal_mode = WAL'); s.pragma('synchronous = OFF');
    const tables = ['customers', 'agents', 'devices', 'supplies', 'supply_forecasts', 'customer_supply_settings', 'supply_shipments', 'supply_ship', 'cartridge_changes', 'messages', 'readings', 'counters', 'supply_levels', 'counter_daily', 'counter_monthly', 'supply_daily', 'notify_rules', 'notify_events'];
    const t0 = performance.now();
    for (const t of tables) {
      const cols = (await client.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [t])).rows.map((r) => r.column_name);
      const ins = s.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      const cur = new pg.Client({ connectionString: PGURL });
      await cur.connect();
      await cur.query('BEGIN');
      await cur.query(`DECLARE c NO SCROLL CURSOR FOR SELECT ${cols.join(', ')} FROM ${t}`);
      let n = 0;
      for (;;) {
        const { rows } = await cur.query('FETCH 20000 FROM c');
        if (!rows.length) break;
        s.transaction(() => { for (const r of rows) ins.run(...cols.map((k) => (typeof r[k] === 'bigint' ? Number(r[k]) : r[k]))); })();
        n += rows.length;
      }
      await cur.query('COMMIT'); await cur.end();
      log(`sqlite copy ${t}: ${n} rows (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
    }
    s.exec('ANALYZE'); s.close();
  }
  if (args.includes('--sqlite')) {
    const file = opt('sqlite-file') ?? join(dir, 'dealer.db');
    // The copied agent keys are sealed with the PostgreSQL database's key file: the copy opens with the same one.
    const pgKey = process.env.AMR_COLLECTOR_KEY_FILE ?? pgKeyFile;
    if (pgKey && !process.env.AMR_COLLECTOR_KEY_FILE) process.env.AMR_COLLECTOR_KEY_FILE = pgKey;
    const sdb2 = await C.openDb(`sqlite:${file}`);
    const sres = await measure(sdb2, 'sqlite');
    const sc = await C.startCollector({ db: sdb2, host: '127.3.10.2', log: false, notify: { smtp: null, intervalMs: 3_600_000 } });
    sres.push(...await httpRoutes(sc.url, sdb2, 'sqlite'));
    const sing = await ingest(sc.url, sdb2);
    log(`sqlite ingestion: ${sing.readingsPerSecond.toFixed(0)} readings/s (target ${sing.target.toFixed(0)}/s; ratio ${sing.ratio.toFixed(1)}x), message p95 ${sing.p95ms.toFixed(0)} ms`);
    await sc.stop(); await sdb2.close();
    sqlite = { results: sres, ingest: sing, mb: statSync(file).size / 1048576 };
    log(`sqlite file ${Math.round(sqlite.mb)} MB`);
  }
  console.log(JSON.stringify({ now: NOW, shape: { DEVICES, AGENTS, CUSTOMERS, RAW_DAYS, DAILY_DAYS }, counts, seedTimes, pgSizes, pgTotalMb: total, results, ingest: ing, sqlite }, null, 1));
  await client.end();
  await db.close();
}

main().catch((e) => { console.error(e); process.exitCode = 1; }).finally(() => {
  stopPg();
  if (!opt('keep')) rmSync(dir, { recursive: true, force: true });
});
