/**
 * Supplies to ship: consumables at or below the customer's level threshold, reported
 * low/empty by the device, or forecast to be empty within the customer's number of
 * days. A supply marked shipped stays off the list until its next cartridge change
 * (recorded at ingest, which removes the mark).
 */
import type { Db, Queryable } from '../db/types.js';
import { DEFAULT_SHIP_BELOW_PERCENT, DEFAULT_SHIP_DAYS, NO_FORECAST, refreshShipState } from './ship-state.js';

export { DEFAULT_SHIP_BELOW_PERCENT, DEFAULT_SHIP_DAYS };

export interface ShipRow {
  customer: string; deviceId: number; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  location: string | null; supply: string; description: string | null; color: string | null; levelPercent: number | null;
  state: string | null; readAt: string; daysLeft: number | null; emptyAt: string | null; method: string | null;
  /** Why it is on the list: level, state, forecast. */
  why: string;
}

export class ShipError extends Error {}

export interface Thresholds { belowPercent: number; days: number }

export async function thresholds(db: Db): Promise<Map<string, Thresholds>> {
  const rows = await db.all<{ customer: string; ship_below_percent: number; ship_days: number }>('SELECT customer, ship_below_percent, ship_days FROM customer_supply_settings');
  return new Map(rows.map((r) => [r.customer, { belowPercent: Number(r.ship_below_percent), days: Number(r.ship_days) }]));
}

export async function setThresholds(db: Db, customer: string, t: Partial<Thresholds>): Promise<Thresholds> {
  if (!(await db.get('SELECT code FROM customers WHERE code = ?', [customer]))) throw new ShipError(`no customer "${customer}": see amr-collector fleet for the codes`);
  const cur = (await thresholds(db)).get(customer) ?? { belowPercent: DEFAULT_SHIP_BELOW_PERCENT, days: DEFAULT_SHIP_DAYS };
  const next = { belowPercent: t.belowPercent ?? cur.belowPercent, days: t.days ?? cur.days };
  await db.tx(async (q) => {
    await q.run(`INSERT INTO customer_supply_settings (customer, ship_below_percent, ship_days) VALUES (?, ?, ?)
      ON CONFLICT (customer) DO UPDATE SET ship_below_percent = excluded.ship_below_percent, ship_days = excluded.ship_days`, [customer, next.belowPercent, next.days]);
    await refreshShipState(q, { customer });
  });
  return next;
}

/** Where a page of the list ends: the next page starts after it (keyset pagination, stable while rows change). */
export interface ShipCursor { customer: string; sortAt: string; sortLevel: number; deviceId: number; idx: string }

export function shipCursor(r: ShipRow): ShipCursor {
  return { customer: r.customer, sortAt: r.emptyAt ?? NO_FORECAST, sortLevel: r.levelPercent ?? -1, deviceId: r.deviceId, idx: r.supply };
}
export const encodeCursor = (c: ShipCursor): string => Buffer.from(JSON.stringify([c.customer, c.sortAt, c.sortLevel, c.deviceId, c.idx])).toString('base64url');
/** A cursor from a URL; null when absent or malformed (the list then starts at the top). */
export function decodeCursor(s: string | null | undefined): ShipCursor | null {
  if (!s || s.length > 1000) return null;
  try {
    const a = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(a) || a.length !== 5) return null;
    const [customer, sortAt, sortLevel, deviceId, idx] = a as unknown[];
    if (typeof customer !== 'string' || typeof sortAt !== 'string' || !Number.isInteger(sortLevel) || !Number.isInteger(deviceId) || typeof idx !== 'string') return null;
    return { customer, sortAt, sortLevel: sortLevel as number, deviceId: deviceId as number, idx };
  } catch {
    return null;
  }
}

/**
 * The list, by customer and soonest empty first, read from supply_ship (kept at ingest, see
 * ship-state.ts): `due_at <= now` over the index in list order, so a page (limit, after a cursor)
 * costs the rows it shows, for one customer or the whole dealer.
 */
export async function suppliesToShip(db: Queryable, opts: { customer?: string; now?: Date; limit?: number; offset?: number; after?: ShipCursor | null } = {}): Promise<ShipRow[]> {
  const now = (opts.now ?? new Date()).getTime();
  const def = { belowPercent: DEFAULT_SHIP_BELOW_PERCENT, days: DEFAULT_SHIP_DAYS };
  const where = ['x.due_at <= ?'];
  const p: unknown[] = [new Date(now).toISOString()];
  if (opts.customer) { where.push('x.customer = ?'); p.push(opts.customer); }
  if (opts.after) {
    const a = opts.after;
    where.push('(x.customer, x.sort_at, x.sort_level, x.device_id, x.idx) > (?, ?, ?, ?, ?)');
    p.push(a.customer, a.sortAt, a.sortLevel, a.deviceId, a.idx);
  }
  const page = opts.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(opts.limit))} OFFSET ${Math.max(0, Math.floor(opts.offset ?? 0))}` : '';
  const rows = await db.all<Record<string, unknown>>(
    `SELECT x.customer, d.id AS device_id, d.vendor, d.model, d.serial, d.mac, d.location, s.idx, s.description, s.color, s.level_percent,
       s.state, s.read_at, f.days_left, f.empty_at, f.method
     FROM supply_ship x JOIN supplies s ON s.device_id = x.device_id AND s.idx = x.idx JOIN devices d ON d.id = x.device_id
       LEFT JOIN supply_forecasts f ON f.device_id = x.device_id AND f.idx = x.idx
     WHERE ${where.join(' AND ')}
     ORDER BY x.customer, x.sort_at, x.sort_level, x.device_id, x.idx ${page}`, p);
  const customers = [...new Set(rows.map((r) => String(r.customer)))];
  const thr = new Map<string, Thresholds>();
  for (let i = 0; i < customers.length; i += 400) {
    const c = customers.slice(i, i + 400);
    for (const t of await db.all<{ customer: string; ship_below_percent: number; ship_days: number }>(
      `SELECT customer, ship_below_percent, ship_days FROM customer_supply_settings WHERE customer IN (${c.map(() => '?').join(', ')})`, c)) {
      thr.set(t.customer, { belowPercent: Number(t.ship_below_percent), days: Number(t.ship_days) });
    }
  }
  return rows.map((r) => {
    const t = thr.get(String(r.customer)) ?? def;
    const level = r.level_percent === null ? null : Number(r.level_percent);
    const emptyAt = (r.empty_at as string | null) ?? null;
    const emptyMs = emptyAt ? Date.parse(emptyAt) : null;
    const why = [
      level !== null && level <= t.belowPercent ? `level ${level}% <= ${t.belowPercent}%` : null,
      r.state === 'low' || r.state === 'empty' ? `device says ${String(r.state)}` : null,
      emptyMs !== null && emptyMs <= now + t.days * 86_400_000 ? `empty in ${Math.max(0, Math.round((emptyMs - now) / 86_400_000))} d` : null,
    ].filter(Boolean).join('; ');
    return {
      customer: String(r.customer), deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
      serial: r.serial as string | null, mac: r.mac as string | null, location: r.location as string | null, supply: String(r.idx),
      description: r.description as string | null, color: r.color as string | null, levelPercent: level, state: r.state as string | null,
      readAt: String(r.read_at), daysLeft: emptyMs !== null ? Math.max(0, Math.round((emptyMs - now) / 8_640_000) / 10) : null,
      emptyAt, method: (r.method as string | null) ?? null, why,
    };
  });
}

/** The whole list in pages of `size` (CSV export streams it: memory bounded by one page). */
export async function* suppliesToShipPages(db: Queryable, opts: { customer?: string; now?: Date; size?: number } = {}): AsyncGenerator<ShipRow[]> {
  let after: ShipCursor | null = null;
  for (;;) {
    const rows = await suppliesToShip(db, { customer: opts.customer, now: opts.now, limit: opts.size ?? 2000, after });
    if (!rows.length) return;
    yield rows;
    after = shipCursor(rows[rows.length - 1]!);
  }
}

export const SHIP_CSV_COLUMNS = ['customer', 'vendor', 'model', 'serial', 'mac', 'location', 'supply', 'description', 'color', 'level_percent', 'state', 'days_left', 'empty_at', 'method', 'why', 'read_at'] as const;

export function shipCsvRecords(rows: ShipRow[]): Record<(typeof SHIP_CSV_COLUMNS)[number], unknown>[] {
  return rows.map((r) => ({
    customer: r.customer, vendor: r.vendor, model: r.model, serial: r.serial, mac: r.mac, location: r.location, supply: r.supply, description: r.description,
    color: r.color, level_percent: r.levelPercent, state: r.state, days_left: r.daysLeft, empty_at: r.emptyAt, method: r.method, why: r.why, read_at: r.readAt,
  }));
}

/** A device by database id, serial or MAC (optionally within one customer). */
export async function findDevice(db: Db, ref: string, customer?: string): Promise<{ id: number; customer: string }> {
  const c = customer ? ' AND customer = ?' : '';
  const p = customer ? [customer] : [];
  let rows = await db.all<{ id: number; customer: string }>(`SELECT id, customer FROM devices WHERE (serial = ? OR LOWER(mac) = LOWER(?))${c}`, [ref, ref, ...p]);
  if (!rows.length && /^\d+$/.test(ref)) rows = await db.all(`SELECT id, customer FROM devices WHERE id = ?${c}`, [Number(ref), ...p]);
  if (!rows.length) throw new ShipError(`no device "${ref}"${customer ? ` for ${customer}` : ''}: give its serial, MAC or id (amr-collector fleet lists them)`);
  if (rows.length > 1) throw new ShipError(`"${ref}" matches devices of several customers: add --customer`);
  return { id: Number(rows[0]!.id), customer: rows[0]!.customer };
}

/** A supply of a device by index, colour or description (case-insensitive). */
export async function findSupply(db: Db, deviceId: number, ref: string): Promise<{ idx: string; description: string | null }> {
  const rows = await db.all<{ idx: string; description: string | null; color: string | null }>('SELECT idx, description, color FROM supplies WHERE device_id = ?', [deviceId]);
  const l = ref.toLowerCase();
  const hits = rows.filter((r) => r.idx === ref).length ? rows.filter((r) => r.idx === ref)
    : rows.filter((r) => (r.color ?? '').toLowerCase() === l).length ? rows.filter((r) => (r.color ?? '').toLowerCase() === l)
      : rows.filter((r) => (r.description ?? '').toLowerCase().includes(l));
  if (hits.length !== 1) {
    const names = rows.map((r) => `${r.idx} (${r.description ?? r.color ?? '?'})`).join(', ');
    throw new ShipError(`${hits.length ? 'several' : 'no'} supplies match "${ref}" on that device; its supplies: ${names || 'none'}`);
  }
  return { idx: hits[0]!.idx, description: hits[0]!.description };
}

/** Marks a supply shipped: it leaves the list until the next cartridge change. */
export async function markShipped(db: Db, deviceId: number, idx: string, by: string | null = null, at = new Date()): Promise<void> {
  await db.tx(async (q) => {
    await q.run(`INSERT INTO supply_shipments (device_id, idx, shipped_at, shipped_by) VALUES (?, ?, ?, ?)
      ON CONFLICT (device_id, idx) DO UPDATE SET shipped_at = excluded.shipped_at, shipped_by = excluded.shipped_by`, [deviceId, idx, at.toISOString(), by]);
    await refreshShipState(q, { devices: [deviceId] });
  });
}

/** Forecasts of every consumable (or one device's / customer's), soonest empty first. */
export async function forecasts(db: Db, opts: { customer?: string; deviceId?: number } = {}): Promise<(Omit<ShipRow, 'why'> & { percentPerDay: number | null; points: number; since: string | null })[]> {
  const where: string[] = ["COALESCE(s.class, '') <> 'receptacle'"];
  const p: unknown[] = [];
  if (opts.customer) { where.push('d.customer = ?'); p.push(opts.customer); }
  if (opts.deviceId !== undefined) { where.push('d.id = ?'); p.push(opts.deviceId); }
  const rows = await db.all<Record<string, unknown>>(
    `SELECT d.customer, d.id AS device_id, d.vendor, d.model, d.serial, d.mac, d.location, s.idx, s.description, s.color, s.level_percent, s.state, s.read_at,
       f.days_left, f.empty_at, f.method, f.percent_per_day, f.points, f.since
     FROM supplies s JOIN devices d ON d.id = s.device_id LEFT JOIN supply_forecasts f ON f.device_id = s.device_id AND f.idx = s.idx
     WHERE ${where.join(' AND ')} ORDER BY CASE WHEN f.empty_at IS NULL THEN 1 ELSE 0 END, f.empty_at, d.customer, d.id, s.idx`, p);
  return rows.map((r) => ({
    customer: String(r.customer), deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
    serial: r.serial as string | null, mac: r.mac as string | null, location: r.location as string | null, supply: String(r.idx),
    description: r.description as string | null, color: r.color as string | null, levelPercent: r.level_percent === null ? null : Number(r.level_percent),
    state: r.state as string | null, readAt: String(r.read_at), daysLeft: r.days_left === null || r.days_left === undefined ? null : Number(r.days_left),
    emptyAt: (r.empty_at as string | null) ?? null, method: (r.method as string | null) ?? null,
    percentPerDay: r.percent_per_day === null || r.percent_per_day === undefined ? null : Number(r.percent_per_day),
    points: Number(r.points ?? 0), since: (r.since as string | null) ?? null,
  }));
}

export async function cartridgeChanges(db: Db, opts: { deviceId?: number; customer?: string } = {}): Promise<{ deviceId: number; supply: string; changedAt: string; levelBefore: number | null; levelAfter: number | null; pagesPrinted: number | null }[]> {
  const where: string[] = [];
  const p: unknown[] = [];
  if (opts.deviceId !== undefined) { where.push('c.device_id = ?'); p.push(opts.deviceId); }
  if (opts.customer) { where.push('d.customer = ?'); p.push(opts.customer); }
  const rows = await db.all<Record<string, unknown>>(
    `SELECT c.device_id, c.idx, c.changed_at, c.level_before, c.level_after, c.pages_printed FROM cartridge_changes c JOIN devices d ON d.id = c.device_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.changed_at DESC`, p);
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({ deviceId: Number(r.device_id), supply: String(r.idx), changedAt: String(r.changed_at), levelBefore: n(r.level_before), levelAfter: n(r.level_after), pagesPrinted: n(r.pages_printed) }));
}
