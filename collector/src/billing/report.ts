import type { Db } from '../db/types.js';
import type { EdgeValue } from '../reports/estimate.js';
import { compareRows, meters, type MeterOptions, type MeterRow } from '../reports/meters.js';
import { billingPeriod, periodState, previousLabel, refuseFuture } from '../reports/period.js';
import { billingCalendar, billingCalendars, type CustomerCalendar } from './calendar.js';

/**
 * A customer's bill for one billing period (`YYYY-MM`, starting on the customer's billing day at
 * local midnight in the customer's time zone):
 * - `provisional`: the period has not ended; end values are the latest reads so far;
 * - `final`: ended, not closed: what closing would store now;
 * - `closed`: frozen as stored by closePeriod; later readings never change it, they show as
 *   adjustments on the next period's bill (`lateChanges` lists them here).
 * After a closed period, the next one starts from the closed bill's end values (so no page is
 * billed twice or lost when a late reading moves an estimate), and its `adjustments` say by how
 * much the closed period would differ now.
 */
export type BillState = 'provisional' | 'final' | 'closed';

export interface Adjustment {
  /** The closed period the difference belongs to. */
  forPeriod: string;
  deviceId: number; serial: string | null; mac: string | null; counter: string;
  billedPages: number | null; pagesNow: number | null;
  difference: number | null;
  /** True when this period's pages already include the difference (its start is the closed bill's end value). */
  included: boolean;
}

export interface BillingReport {
  customer: string;
  period: string;
  from: string;
  to: string;
  billingDay: number;
  timeZone: string;
  state: BillState;
  closedAt: string | null;
  rows: MeterRow[];
  adjustments: Adjustment[];
  /** Closed bills only: what later readings would change (shown as adjustments on the next period). */
  lateChanges: Adjustment[];
}

type BillOpts = Omit<MeterOptions, 'customer'> & { now?: Date };

const lineKey = (deviceId: number, counter: string) => `${deviceId}\u0000${counter}`;

async function storedLines(db: Db, customer: string, period: string): Promise<MeterRow[]> {
  const rows = await db.all<Record<string, unknown>>(
    'SELECT l.*, b.period_start, b.period_end FROM bill_lines l JOIN bills b ON b.customer = l.customer AND b.period = l.period WHERE l.customer = ? AND l.period = ?',
    [customer, period]);
  const edge = (v: unknown, at: unknown, src: unknown): EdgeValue => ({
    value: v === null ? null : Number(v), at: (at as string) ?? null, source: src as EdgeValue['source'],
    estimated: src === 'interpolated' || src === 'extrapolated',
  });
  return sortRows(rows.map((r) => {
    const start = edge(r.start_value, r.start_at, r.start_source);
    const end = edge(r.end_value, r.end_at, r.end_source);
    return {
      customer, deviceId: Number(r.device_id), vendor: r.vendor as string | null, model: r.model as string | null,
      serial: r.serial as string | null, mac: r.mac as string | null, counter: String(r.counter), unit: r.unit as string | null,
      periodStart: String(r.period_start), periodEnd: String(r.period_end), start, end,
      pages: r.pages === null ? null : Number(r.pages), estimated: start.estimated || end.estimated,
      status: r.status as MeterRow['status'], note: r.note as string | null,
    };
  }));
}

function sortRows(rows: MeterRow[]): MeterRow[] {
  return rows.sort(compareRows);
}

/** Differences between a closed bill and the same period computed from today's readings. */
function diff(forPeriod: string, billed: MeterRow[], now: MeterRow[], included: Set<string>): Adjustment[] {
  const nowBy = new Map(now.map((r) => [lineKey(r.deviceId, r.counter), r]));
  const billedBy = new Map(billed.map((r) => [lineKey(r.deviceId, r.counter), r]));
  const out: Adjustment[] = [];
  for (const k of new Set([...billedBy.keys(), ...nowBy.keys()])) {
    const b = billedBy.get(k);
    const n = nowBy.get(k);
    const bp = b?.pages ?? null;
    const np = n?.pages ?? null;
    if (bp === np) continue;
    const r = (b ?? n)!;
    out.push({
      forPeriod, deviceId: r.deviceId, serial: r.serial, mac: r.mac, counter: r.counter, billedPages: bp, pagesNow: np,
      difference: bp !== null && np !== null ? np - bp : null, included: included.has(k),
    });
  }
  return out.sort((a, b) => a.deviceId - b.deviceId || a.counter.localeCompare(b.counter));
}

/** The computed (not stored) bill of a period; chained to the previous period when that one is closed. */
async function computed(db: Db, cal: CustomerCalendar, label: string, opts: BillOpts): Promise<{ rows: MeterRow[]; adjustments: Adjustment[]; plain: MeterRow[] }> {
  const period = billingPeriod(label, cal);
  const rep = await meters(db, period, { ...opts, customer: cal.customer });
  // The period's meter reads as they are (before a closed previous bill's ends are carried in): what a bill closed now is compared with.
  const plain = rep.rows.map((r) => ({ ...r, start: { ...r.start }, end: { ...r.end } }));
  const prev = previousLabel(label);
  const prevBill = await db.get<{ period_start: string; period_end: string }>('SELECT period_start, period_end FROM bills WHERE customer = ? AND period = ?', [cal.customer, prev]);
  if (!prevBill) return { rows: rep.rows, adjustments: [], plain };
  const billed = await storedLines(db, cal.customer, prev);
  const carried = new Set<string>();
  const endOf = new Map(billed.filter((b) => b.end.value !== null).map((b) => [lineKey(b.deviceId, b.counter), b]));
  for (const r of rep.rows) {
    const b = endOf.get(lineKey(r.deviceId, r.counter));
    if (!b || r.end.value === null) continue;
    carried.add(lineKey(r.deviceId, r.counter));
    r.start = { ...b.end };
    r.estimated = r.start.estimated || r.end.estimated;
    if (r.end.value < r.start.value!) {
      r.pages = null;
      r.status = 'backwards';
      r.note = `counter went backwards (${r.start.value} -> ${r.end.value})`;
    } else {
      r.pages = r.end.value - r.start.value!;
      const partialEnd = r.end.source === 'partial';
      r.status = partialEnd ? 'partial' : r.estimated ? 'estimated' : 'read';
      r.note = `start carried from the closed bill of ${prev}${partialEnd ? `; counted to ${r.end.at} only (no read near the period end)` : ''}`;
    }
  }
  // The closed period recomputed from today's readings, on the instants it was closed with.
  const recomputed = await meters(db, { from: prevBill.period_start, to: prevBill.period_end }, { ...opts, customer: cal.customer });
  return { rows: rep.rows, adjustments: diff(prev, billed, recomputed.rows, carried), plain };
}

/** The bill of one customer for one period. A period that has not begun is refused (PeriodError). */
export async function billingReport(db: Db, customer: string, label: string, opts: BillOpts = {}): Promise<BillingReport> {
  return (await billingReportPlain(db, customer, label, opts)).report;
}

/**
 * The bill and, for a period not closed, its meter reads as they are (`plain`): closePeriod passes them back as
 * `recomputed` for the closed bill it returns, so closing computes the period's meter reads once, not twice.
 */
export async function billingReportPlain(db: Db, customer: string, label: string, opts: BillOpts & { recomputed?: MeterRow[] } = {}): Promise<{ report: BillingReport; plain: MeterRow[] | null }> {
  const cal = await billingCalendar(db, customer);
  const now = opts.now ?? new Date();
  const closed = await db.get<Record<string, unknown>>('SELECT * FROM bills WHERE customer = ? AND period = ?', [customer, label]);
  const base = { customer, period: label, billingDay: cal.billingDay, timeZone: cal.timeZone };
  if (closed) {
    const rows = await storedLines(db, customer, label);
    const adj = await db.all<Record<string, unknown>>('SELECT * FROM bill_adjustments WHERE customer = ? AND period = ?', [customer, label]);
    const { recomputed: given, ...mopts } = opts;
    const recomputed = given ? { rows: given } : await meters(db, { from: String(closed.period_start), to: String(closed.period_end) }, { ...mopts, customer });
    return { plain: null, report: {
      ...base, from: String(closed.period_start), to: String(closed.period_end), billingDay: Number(closed.billing_day), timeZone: String(closed.time_zone),
      state: 'closed', closedAt: String(closed.closed_at), rows,
      adjustments: await Promise.all(adj.map(async (a) => {
        const d = await db.get<{ serial: string | null; mac: string | null }>('SELECT serial, mac FROM devices WHERE id = ?', [a.device_id]);
        const n = (v: unknown) => (v === null ? null : Number(v));
        return {
          forPeriod: String(a.for_period), deviceId: Number(a.device_id), serial: d?.serial ?? null, mac: d?.mac ?? null, counter: String(a.counter),
          billedPages: n(a.billed_pages), pagesNow: n(a.pages_now), difference: n(a.difference), included: Number(a.included) === 1,
        };
      })),
      lateChanges: diff(label, rows, recomputed.rows, new Set()),
    } };
  }
  const period = refuseFuture(billingPeriod(label, cal), now, label);
  const { recomputed: _unused, ...copts } = opts;
  const { rows, adjustments, plain } = await computed(db, cal, label, { ...copts, now });
  return { plain, report: { ...base, ...period, state: periodState(period, now) === 'open' ? 'provisional' : 'final', closedAt: null, rows: sortRows(rows), adjustments, lateChanges: [] } };
}

/** Meter reads of every customer (or one) for the period `label` on each customer's own calendar. */
export async function billingReports(db: Db, label: string, opts: BillOpts & { customer?: string } = {}): Promise<BillingReport[]> {
  const cals = opts.customer ? [await billingCalendar(db, opts.customer)] : await billingCalendars(db);
  const out: BillingReport[] = [];
  for (const c of cals) out.push(await billingReport(db, c.customer, label, opts));
  return out;
}
