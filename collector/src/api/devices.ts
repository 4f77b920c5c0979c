import type { Db } from '../db/types.js';
import { LEVEL_STATUSES, STATUS_SQL, type Level } from '../web/format.js';

/**
 * The console's questions about devices, shared by the pages and the API. Every
 * function takes the viewer's customer scope (undefined = every customer): a
 * device of another customer is not found, never shown.
 */
export interface DeviceFilters {
  customer?: string;
  model?: string;
  level?: Level;
  /** Free text: serial, MAC, model, vendor, IP, host name, location. */
  q?: string;
  lowSupplies?: boolean;
  /** Not read for `silentHours`. */
  silent?: boolean;
  silentHours?: number;
}

export interface DeviceRow {
  id: number; customer: string; agentId: string | null; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  ip: string | null; hostname: string | null; location: string | null; firmware: string | null; sysObjectId: string | null;
  firstSeenAt: string; lastReadAt: string | null; status: string; printerStatus: string | null; errors: string[]; lastError: string | null;
  total: number | null; lowestSupply: number | null; lowSupplies: number;
}

const LOW_SUPPLY = `(s.state IN ('low', 'empty', 'almostFull', 'full') OR (COALESCE(s.class, '') <> 'receptacle' AND s.level_percent IS NOT NULL AND s.level_percent <= 10))`;

function where(f: DeviceFilters, now: number): [string, unknown[]] {
  const w: string[] = [];
  const p: unknown[] = [];
  if (f.customer !== undefined) { w.push('d.customer = ?'); p.push(f.customer); }
  if (f.model) { w.push('d.model = ?'); p.push(f.model); }
  if (f.level) {
    const known = Object.values(LEVEL_STATUSES).flat();
    if (f.level === 'unknown') { w.push(`(${STATUS_SQL}) NOT IN (${known.map(() => '?').join(', ')})`); p.push(...known); }
    else { w.push(`(${STATUS_SQL}) IN (${LEVEL_STATUSES[f.level].map(() => '?').join(', ')})`); p.push(...LEVEL_STATUSES[f.level]); }
  }
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const cols = ['serial', 'mac', 'model', 'vendor', 'ip', 'hostname', 'location'];
    w.push(`(${cols.map((c) => `LOWER(COALESCE(d.${c}, '')) LIKE ? ESCAPE '\\'`).join(' OR ')})`);
    p.push(...cols.map(() => like));
  }
  if (f.lowSupplies) w.push(`EXISTS (SELECT 1 FROM supplies s WHERE s.device_id = d.id AND ${LOW_SUPPLY})`);
  if (f.silent) {
    w.push('(d.last_read_at IS NULL OR d.last_read_at < ?)');
    p.push(new Date(now - (f.silentHours ?? 24) * 3_600_000).toISOString());
  }
  return [w.length ? ` WHERE ${w.join(' AND ')}` : '', p];
}

const s = (r: Record<string, unknown>, k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toRow(r: Record<string, unknown>): DeviceRow {
  let errors: string[] = [];
  try { errors = r.errors ? (JSON.parse(String(r.errors)) as string[]) : []; } catch { errors = []; }
  return {
    id: Number(r.id), customer: String(r.customer), agentId: s(r, 'last_agent_id'), vendor: s(r, 'vendor'), model: s(r, 'model'),
    serial: s(r, 'serial'), mac: s(r, 'mac'), ip: s(r, 'ip'), hostname: s(r, 'hostname'), location: s(r, 'location'), firmware: s(r, 'firmware'),
    sysObjectId: s(r, 'sys_object_id'), firstSeenAt: String(r.first_seen_at), lastReadAt: s(r, 'last_read_at'), status: String(r.status),
    printerStatus: s(r, 'printer_status'), errors, lastError: s(r, 'last_error'), total: n(r.total), lowestSupply: n(r.lowest_supply),
    lowSupplies: Number(r.low_supplies ?? 0),
  };
}

const SELECT = `SELECT d.id, d.customer, d.last_agent_id, d.vendor, d.model, d.serial, d.mac, d.ip, d.hostname, d.location, d.firmware, d.sys_object_id,
    d.first_seen_at, d.last_read_at, d.printer_status, d.errors, d.last_error, ${STATUS_SQL} AS status,
    (SELECT c.value FROM counters c WHERE c.device_id = d.id AND c.key = 'total' ORDER BY c.read_at DESC LIMIT 1) AS total,
    (SELECT MIN(s.level_percent) FROM supplies s WHERE s.device_id = d.id AND COALESCE(s.class, '') <> 'receptacle') AS lowest_supply,
    (SELECT COUNT(*) FROM supplies s WHERE s.device_id = d.id AND ${LOW_SUPPLY}) AS low_supplies
  FROM devices d`;

export async function listDevices(db: Db, f: DeviceFilters, page: { limit: number; offset: number }, now = Date.now()): Promise<{ total: number; devices: DeviceRow[] }> {
  const [w, p] = where(f, now);
  const [count, rows] = await Promise.all([
    db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM devices d${w}`, p),
    db.all(`${SELECT}${w} ORDER BY d.customer, d.vendor, d.model, d.serial, d.id LIMIT ? OFFSET ?`, [...p, page.limit, page.offset]),
  ]);
  return { total: Number(count?.n ?? 0), devices: rows.map(toRow) };
}

/** One device, if the scope may see it. */
export async function getDevice(db: Db, id: number, customer: string | undefined): Promise<DeviceRow | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const r = await db.get(`${SELECT} WHERE d.id = ?${customer !== undefined ? ' AND d.customer = ?' : ''}`, customer !== undefined ? [id, customer] : [id]);
  return r ? toRow(r) : null;
}

export async function deviceModels(db: Db, customer: string | undefined): Promise<string[]> {
  // A loose index scan (devices_model / devices_customer_model): one index probe per distinct model, not a read of every device.
  const c = customer !== undefined ? ' AND customer = ?' : '';
  const cp = customer !== undefined ? [customer] : [];
  const rows = await db.all<{ model: string | null }>(
    `WITH RECURSIVE m(model) AS (
       SELECT MIN(model) FROM devices WHERE model IS NOT NULL${c}
       UNION ALL
       SELECT (SELECT MIN(d.model) FROM devices d WHERE d.model > m.model${c.replace('customer', 'd.customer')}) FROM m WHERE m.model IS NOT NULL
     ) SELECT model FROM m WHERE model IS NOT NULL`, [...cp, ...cp]);
  return rows.map((r) => String(r.model));
}

export interface CustomerSummary { customer: string; agents: number; devices: number; lastHeardAt: string | null }

export async function customers(db: Db, customer: string | undefined): Promise<CustomerSummary[]> {
  // Grouped once per table and joined (not three subqueries per customer: with 1,000 customers those read
  // the agents table 2,000 times).
  const w = (col: string) => (customer !== undefined ? ` WHERE ${col} = ?` : '');
  const rows = await db.all(
    `SELECT c.code AS customer, COALESCE(a.agents, 0) AS agents, COALESCE(dv.devices, 0) AS devices, a.last_heard_at
     FROM customers c
       LEFT JOIN (SELECT customer, SUM(CASE WHEN revoked = 0 THEN 1 ELSE 0 END) AS agents, MAX(last_heard_at) AS last_heard_at FROM agents${w('customer')} GROUP BY customer) a
         ON a.customer = c.code
       LEFT JOIN (SELECT customer, COUNT(*) AS devices FROM devices${w('customer')} GROUP BY customer) dv ON dv.customer = c.code
     ${w('c.code')} ORDER BY c.code`, customer !== undefined ? [customer, customer, customer] : []);
  return rows.map((r) => ({ customer: String(r.customer), agents: Number(r.agents), devices: Number(r.devices), lastHeardAt: s(r, 'last_heard_at') }));
}

export interface CounterValue { key: string; value: number; unit: string | null; readAt: string }

/** The counters of the device's newest good reading. */
export async function latestCounters(db: Db, id: number): Promise<CounterValue[]> {
  const rows = await db.all(
    `SELECT key, value, unit, read_at FROM counters WHERE reading_id = (
       SELECT r.id FROM readings r WHERE r.device_id = ? AND r.ok = 1 ORDER BY r.read_at DESC, r.id DESC LIMIT 1) ORDER BY key`, [id]);
  return rows.map((r) => ({ key: String(r.key), value: Number(r.value), unit: s(r, 'unit'), readAt: String(r.read_at) }));
}

export interface SupplyNow { index: string; description: string | null; type: string | null; class: string | null; color: string | null; levelPercent: number | null; state: string | null; readAt: string }

export async function deviceSupplies(db: Db, id: number): Promise<SupplyNow[]> {
  const rows = await db.all('SELECT * FROM supplies WHERE device_id = ? ORDER BY idx', [id]);
  return rows.map((r) => ({
    index: String(r.idx), description: s(r, 'description'), type: s(r, 'type'), class: s(r, 'class'), color: s(r, 'color'),
    levelPercent: n(r.level_percent), state: s(r, 'state'), readAt: String(r.read_at),
  }));
}
