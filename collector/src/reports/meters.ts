import type { Db } from '../db/types.js';
import { edgeValue, type EdgeValue, type Point, type Side } from './estimate.js';
import type { Period } from './period.js';

export interface MeterRow {
  customer: string;
  deviceId: number;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  mac: string | null;
  counter: string;
  unit: string | null;
  start: EdgeValue;
  end: EdgeValue;
  /** end - start; null when an edge is unknown or the counter went backwards. */
  pages: number | null;
  estimated: boolean;
  note: string | null;
}

export interface MeterReport { from: string; to: string; toleranceHours: number; rows: MeterRow[] }

/** How far from an edge reads are looked for (estimates from older data mean little). */
const LOOKAROUND_MS = 92 * 86_400_000;

type EdgeRow = { device_id: number; key: string; value: number; unit: string | null; read_at: string; rn_near: number; rn_far: number };

/** For every device and counter: the nearest and farthest read on one side of `edge`. */
async function sideReads(db: Db, edge: string, dir: 'before' | 'after', customer?: string): Promise<Map<string, Side & { unit: string | null }>> {
  const t = Date.parse(edge);
  const [lo, hi] = dir === 'before' ? [new Date(t - LOOKAROUND_MS).toISOString(), edge] : [edge, new Date(t + LOOKAROUND_MS).toISOString()];
  const near = dir === 'before' ? 'DESC' : 'ASC';
  const far = dir === 'before' ? 'ASC' : 'DESC';
  const rows = await db.all<EdgeRow>(
    `SELECT device_id, key, value, unit, read_at, rn_near, rn_far FROM (
       SELECT c.device_id, c.key, c.value, c.unit, c.read_at,
         ROW_NUMBER() OVER (PARTITION BY c.device_id, c.key ORDER BY c.read_at ${near}, c.reading_id ${near}) AS rn_near,
         ROW_NUMBER() OVER (PARTITION BY c.device_id, c.key ORDER BY c.read_at ${far}, c.reading_id ${far}) AS rn_far
       FROM counters c ${customer ? 'JOIN devices d ON d.id = c.device_id AND d.customer = ?' : ''}
       WHERE c.read_at >= ? AND c.read_at <= ?
     ) t WHERE rn_near = 1 OR rn_far = 1`,
    customer ? [customer, lo, hi] : [lo, hi],
  );
  const out = new Map<string, Side & { unit: string | null }>();
  for (const r of rows) {
    const k = `${r.device_id}\u0000${r.key}`;
    const p: Point = { at: Date.parse(r.read_at), value: Number(r.value) };
    const s = out.get(k) ?? { near: p, far: p, unit: r.unit };
    if (Number(r.rn_near) === 1) { s.near = p; s.unit = r.unit; }
    if (Number(r.rn_far) === 1) s.far = p;
    out.set(k, s);
  }
  return out;
}

/**
 * Meter reads for a billing period: per device and counter, the value at the
 * start and at the end of the period and the pages in between.
 */
export async function meters(db: Db, period: Period, opts: { customer?: string; toleranceHours?: number; counters?: string[] } = {}): Promise<MeterReport> {
  const tolH = opts.toleranceHours ?? 24;
  const tol = tolH * 3_600_000;
  const [bs, as, be, ae] = await Promise.all([
    sideReads(db, period.from, 'before', opts.customer), sideReads(db, period.from, 'after', opts.customer),
    sideReads(db, period.to, 'before', opts.customer), sideReads(db, period.to, 'after', opts.customer),
  ]);
  const keys = new Set([...bs.keys(), ...as.keys(), ...be.keys(), ...ae.keys()]);
  const devRows = await db.all<Record<string, unknown>>(
    `SELECT id, customer, vendor, model, serial, mac FROM devices${opts.customer ? ' WHERE customer = ?' : ''}`,
    opts.customer ? [opts.customer] : [],
  );
  const devices = new Map(devRows.map((d) => [Number(d.id), d]));
  const wanted = opts.counters && opts.counters.length ? new Set(opts.counters) : null;
  const rows: MeterRow[] = [];
  for (const k of keys) {
    const [idText, counter] = k.split('\u0000') as [string, string];
    if (wanted && !wanted.has(counter)) continue;
    const d = devices.get(Number(idText));
    if (!d) continue;
    const start = edgeValue(Date.parse(period.from), bs.get(k) ?? null, as.get(k) ?? null, tol);
    const end = edgeValue(Date.parse(period.to), be.get(k) ?? null, ae.get(k) ?? null, tol);
    let pages: number | null = null;
    let note: string | null = null;
    if (start.value === null || end.value === null) note = 'no reads near the period';
    else if (end.value < start.value) note = `counter went backwards (${start.value} -> ${end.value})`;
    else pages = end.value - start.value;
    const unit = (bs.get(k) ?? as.get(k) ?? be.get(k) ?? ae.get(k))?.unit ?? null;
    const s = (f: string) => (d[f] as string | null) ?? null;
    rows.push({
      customer: String(d.customer), deviceId: Number(d.id), vendor: s('vendor'), model: s('model'), serial: s('serial'), mac: s('mac'),
      counter, unit, start, end, pages, estimated: start.estimated || end.estimated, note,
    });
  }
  rows.sort((a, b) => a.customer.localeCompare(b.customer) || (a.serial ?? a.mac ?? '').localeCompare(b.serial ?? b.mac ?? '')
    || a.deviceId - b.deviceId || counterOrder(a.counter) - counterOrder(b.counter) || a.counter.localeCompare(b.counter));
  return { from: period.from, to: period.to, toleranceHours: tolH, rows };
}

const ORDER = ['total', 'mono', 'color', 'print', 'printMono', 'printColor', 'copy', 'copyMono', 'copyColor', 'fax', 'scan', 'duplex', 'large', 'small'];
function counterOrder(k: string): number {
  const i = ORDER.indexOf(k);
  return i < 0 ? ORDER.length : i;
}

/** The ERP import: one line per device and counter, estimates flagged in their own columns. */
export const METER_CSV_COLUMNS = [
  'customer', 'vendor', 'model', 'serial', 'mac', 'counter', 'unit',
  'period_start', 'start_value', 'start_read_at', 'start_source',
  'period_end', 'end_value', 'end_read_at', 'end_source',
  'pages', 'estimated', 'note',
] as const;

export function meterCsvRecords(rep: MeterReport): Record<(typeof METER_CSV_COLUMNS)[number], unknown>[] {
  return rep.rows.map((r) => ({
    customer: r.customer, vendor: r.vendor, model: r.model, serial: r.serial, mac: r.mac, counter: r.counter, unit: r.unit,
    period_start: rep.from, start_value: r.start.value, start_read_at: r.start.at, start_source: r.start.source,
    period_end: rep.to, end_value: r.end.value, end_read_at: r.end.at, end_source: r.end.source,
    pages: r.pages, estimated: r.estimated ? 'yes' : 'no', note: r.note,
  }));
}
