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

type Sides = Map<string, Side & { unit: string | null }>;

/**
 * For every device (of the customer, or every device) and counter: the nearest and the farthest read on
 * each side of the period's two edges, within LOOKAROUND_MS. Index probes on counters_device_key_time
 * (device, key, time): the device's counter keys by a loose index scan, then eight probes per counter
 * (near and far, before and after, both edges), each reading one index entry, in one statement. The cost
 * follows the number of devices, not the number of reads kept around the period (a year raw costs the same).
 */
async function edgeReads(db: Db, period: Period, before: Date | string, customer?: string): Promise<[Sides, Sides, Sides, Sides]> {
  const sides: { edge: string; dir: 'before' | 'after' }[] = [
    { edge: period.from, dir: 'before' }, { edge: period.from, dir: 'after' }, { edge: period.to, dir: 'before' }, { edge: period.to, dir: 'after' },
  ];
  const probes: string[] = [];
  const params: unknown[] = [];
  for (const { edge, dir } of sides) {
    const t = Date.parse(edge);
    const [lo, hi] = dir === 'before' ? [new Date(t - LOOKAROUND_MS).toISOString(), edge] : [edge, new Date(t + LOOKAROUND_MS).toISOString()];
    for (const order of dir === 'before' ? ['DESC', 'ASC'] : ['ASC', 'DESC']) { // near, then far
      // value|read_at|=unit of one read ('' for no unit): read_at is ISO text and value a number, so the first two '|' split it.
      probes.push(`(SELECT c.value || '|' || c.read_at || '|' || COALESCE('=' || c.unit, '') FROM counters c
        WHERE c.device_id = k.device_id AND c.key = k.key AND c.read_at >= ? AND c.read_at <= ? ORDER BY c.read_at ${order}, c.reading_id ${order} LIMIT 1)`);
      params.push(lo, hi);
    }
  }
  const c = customer ? ' AND d.customer = ?' : '';
  const rows = await db.all<Record<string, unknown>>(
    `WITH RECURSIVE k(device_id, key) AS (
       SELECT d.id, (SELECT MIN(c.key) FROM counters c WHERE c.device_id = d.id) FROM devices d
       WHERE d.merged_into IS NULL AND d.first_read_at IS NOT NULL AND d.first_read_at < ?${c}
       UNION ALL
       SELECT k.device_id, (SELECT MIN(c.key) FROM counters c WHERE c.device_id = k.device_id AND c.key > k.key) FROM k WHERE k.key IS NOT NULL
     ) SELECT k.device_id, k.key, ${probes.map((pr, i) => `${pr} AS p${i}`).join(', ')} FROM k WHERE k.key IS NOT NULL`,
    [typeof before === 'string' ? before : before.toISOString(), ...(customer ? [customer] : []), ...params],
  );
  const parse = (v: unknown): (Point & { unit: string | null }) | null => {
    if (v === null || v === undefined) return null;
    const text = String(v);
    const a = text.indexOf('|');
    const b = text.indexOf('|', a + 1);
    const unit = text.slice(b + 1);
    return { value: Number(text.slice(0, a)), at: Date.parse(text.slice(a + 1, b)), unit: unit === '' ? null : unit.slice(1) };
  };
  const out: [Sides, Sides, Sides, Sides] = [new Map(), new Map(), new Map(), new Map()];
  for (const r of rows) {
    const k = `${Number(r.device_id)}\u0000${String(r.key)}`;
    for (let i = 0; i < 4; i++) {
      const near = parse(r[`p${2 * i}`]);
      const far = parse(r[`p${2 * i + 1}`]);
      if (!near || !far) continue;
      out[i]!.set(k, { near: { at: near.at, value: near.value }, far: { at: far.at, value: far.value }, unit: near.unit });
    }
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
  const [bs, as, be, ae] = await edgeReads(db, period, period.to, opts.customer);
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
