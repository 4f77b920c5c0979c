import type { Db } from '../db/types.js';
import { DEFAULT_EDGE_RULES, edgeValue, type EdgeRules, type EdgeValue, type Point, type Side } from './estimate.js';
import { periodState, type Period } from './period.js';

export interface MeterRow {
  customer: string;
  deviceId: number;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  mac: string | null;
  /** The counter key; '' on a `no data` row (the device has no read in or near the period). */
  counter: string;
  unit: string | null;
  periodStart: string;
  periodEnd: string;
  start: EdgeValue;
  end: EdgeValue;
  /** end - start; null when an edge is unknown or the counter went backwards. */
  pages: number | null;
  estimated: boolean;
  /** read: both edges real reads; estimated; partial: covered from/to a read inside the period; no data; backwards. */
  status: 'read' | 'estimated' | 'partial' | 'no data' | 'backwards';
  note: string | null;
}

export interface MeterReport {
  from: string; to: string; toleranceHours: number;
  /** The period has not ended: end values are the latest reads so far, not final. */
  provisional: boolean;
  rows: MeterRow[];
}

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

export interface MeterOptions {
  customer?: string;
  toleranceHours?: number;
  counters?: string[];
  /** Bounds of interpolation and extrapolation (estimate.ts); tolerance from toleranceHours. */
  rules?: Partial<EdgeRules>;
  now?: Date;
}

/**
 * Meter reads for a billing period: per device and counter, the value at the
 * start and at the end of the period and the pages in between. Every device that
 * had been read before the period ended gets a row; one with no read in or near
 * the period gets a single `no data` row, never numbers.
 */
export async function meters(db: Db, period: Period, opts: MeterOptions = {}): Promise<MeterReport> {
  const tolH = opts.toleranceHours ?? 24;
  const rules: EdgeRules = { ...DEFAULT_EDGE_RULES, ...opts.rules, toleranceMs: tolH * 3_600_000 };
  const fromMs = Date.parse(period.from);
  const toMs = Date.parse(period.to);
  const inPeriod = (p: Point | undefined) => (p && p.at >= fromMs && p.at < toMs ? p : null);
  const [bs, as, be, ae] = await Promise.all([
    sideReads(db, period.from, 'before', opts.customer), sideReads(db, period.from, 'after', opts.customer),
    sideReads(db, period.to, 'before', opts.customer), sideReads(db, period.to, 'after', opts.customer),
  ]);
  const keys = new Set([...bs.keys(), ...as.keys(), ...be.keys(), ...ae.keys()]);
  // A device exists for a period once it has been read before the period ended (by the reading's own time).
  const devRows = await db.all<Record<string, unknown>>(
    `SELECT id, customer, vendor, model, serial, mac FROM devices WHERE merged_into IS NULL AND first_read_at IS NOT NULL AND first_read_at < ?${opts.customer ? ' AND customer = ?' : ''}`,
    opts.customer ? [period.to, opts.customer] : [period.to],
  );
  const devices = new Map(devRows.map((d) => [Number(d.id), d]));
  const wanted = opts.counters && opts.counters.length ? new Set(opts.counters) : null;
  const rows: MeterRow[] = [];
  const ident = (d: Record<string, unknown>) => {
    const s = (f: string) => (d[f] as string | null) ?? null;
    return { customer: String(d.customer), deviceId: Number(d.id), vendor: s('vendor'), model: s('model'), serial: s('serial'), mac: s('mac') };
  };
  const withRows = new Set<number>();
  for (const k of keys) {
    const [idText, counter] = k.split('\u0000') as [string, string];
    if (wanted && !wanted.has(counter)) continue;
    const d = devices.get(Number(idText));
    if (!d) continue;
    const start = edgeValue(fromMs, bs.get(k) ?? null, as.get(k) ?? null, rules, inPeriod(as.get(k)?.near));
    const end = edgeValue(toMs, be.get(k) ?? null, ae.get(k) ?? null, rules, inPeriod(be.get(k)?.near));
    // Edges that only exist from reads far outside the period say nothing about it.
    if (start.source === 'none' && end.source === 'none') continue;
    let pages: number | null = null;
    let note: string | null = null;
    let status: MeterRow['status'] = start.estimated || end.estimated ? 'estimated' : 'read';
    if (start.value === null || end.value === null) {
      status = 'no data';
      note = `no read near the period ${start.value === null ? 'start' : 'end'}`;
    } else if (end.value < start.value) {
      status = 'backwards';
      note = `counter went backwards (${start.value} -> ${end.value})`;
    } else {
      pages = end.value - start.value;
      if (start.source === 'partial' || end.source === 'partial') {
        status = 'partial';
        note = `counted from ${start.at} to ${end.at} only (no read near the period ${start.source === 'partial' ? 'start' : 'end'})`;
      }
    }
    const unit = (bs.get(k) ?? as.get(k) ?? be.get(k) ?? ae.get(k))?.unit ?? null;
    withRows.add(Number(d.id));
    rows.push({ ...ident(d), counter, unit, periodStart: period.from, periodEnd: period.to, start, end, pages, estimated: start.estimated || end.estimated, status, note });
  }
  const none: EdgeValue = { value: null, at: null, source: 'none', estimated: false };
  for (const d of devRows) {
    if (withRows.has(Number(d.id))) continue;
    rows.push({ ...ident(d), counter: '', unit: null, periodStart: period.from, periodEnd: period.to, start: none, end: none, pages: null, estimated: false, status: 'no data', note: 'no data: no read in or near the period' });
  }
  rows.sort(compareRows);
  return { from: period.from, to: period.to, toleranceHours: tolH, provisional: periodState(period, opts.now) === 'open', rows };
}

/** Customer, device (serial or MAC), then counters in billing order. */
export function compareRows(a: MeterRow, b: MeterRow): number {
  return a.customer.localeCompare(b.customer) || (a.serial ?? a.mac ?? '').localeCompare(b.serial ?? b.mac ?? '')
    || a.deviceId - b.deviceId || counterOrder(a.counter) - counterOrder(b.counter) || a.counter.localeCompare(b.counter);
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
    period_start: r.periodStart, start_value: r.start.value, start_read_at: r.start.at, start_source: r.start.source,
    period_end: r.periodEnd, end_value: r.end.value, end_read_at: r.end.at, end_source: r.end.source,
    pages: r.pages, estimated: r.estimated ? 'yes' : 'no', note: r.note,
  }));
}
