import type { Db } from '../db/types.js';
import { billingPeriod, periodState } from '../reports/period.js';
import { BillingError, billingCalendar } from './calendar.js';
import { billingReportPlain, type BillingReport } from './report.js';

/**
 * Closes a customer's billing period: stores the bill (every line, with where each value came
 * from) and the adjustments to the period before, in one transaction. A closed bill is frozen:
 * later readings never change it. Only an ended period can be closed, and only once.
 */
export async function closePeriod(db: Db, customer: string, label: string, opts: { now?: Date; by?: string } = {}): Promise<BillingReport> {
  const now = opts.now ?? new Date();
  const cal = await billingCalendar(db, customer);
  const period = billingPeriod(label, cal);
  if (periodState(period, now) !== 'ended') {
    throw new BillingError(`period ${label} of ${customer} ends ${period.to}; it can be closed after that (its figures are provisional until then)`);
  }
  const existing = await db.get<{ closed_at: string }>('SELECT closed_at FROM bills WHERE customer = ? AND period = ?', [customer, label]);
  if (existing) throw new BillingError(`period ${label} of ${customer} was closed at ${existing.closed_at}; a closed bill never changes (later readings show as adjustments on ${label}'s next period)`);
  const { report: rep, plain } = await billingReportPlain(db, customer, label, { now });
  const closedAt = now.toISOString();
  await db.tx(async (q) => {
    const ins = await q.get(
      `INSERT INTO bills (customer, period, period_start, period_end, billing_day, time_zone, closed_at, closed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (customer, period) DO NOTHING RETURNING period`,
      [customer, label, rep.from, rep.to, rep.billingDay, rep.timeZone, closedAt, opts.by ?? null]);
    if (!ins) throw new BillingError(`period ${label} of ${customer} was closed meanwhile by someone else`);
    // Multi-row inserts (200 lines a statement): on PostgreSQL each statement is a round trip.
    const lines = rep.rows.map((r) => [customer, label, r.deviceId, r.counter, r.vendor, r.model, r.serial, r.mac, r.unit, r.start.value, r.start.at, r.start.source,
      r.end.value, r.end.at, r.end.source, r.pages, r.status, r.note]);
    for (let i = 0; i < lines.length; i += 200) {
      const c = lines.slice(i, i + 200);
      await q.run(
        `INSERT INTO bill_lines (customer, period, device_id, counter, vendor, model, serial, mac, unit, start_value, start_at, start_source,
           end_value, end_at, end_source, pages, status, note) VALUES ${c.map(() => `(${Array(18).fill('?').join(', ')})`).join(', ')}`, c.flat());
    }
    const adj = rep.adjustments.map((a) => [customer, label, a.forPeriod, a.deviceId, a.counter, a.billedPages, a.pagesNow, a.difference, a.included ? 1 : 0]);
    for (let i = 0; i < adj.length; i += 200) {
      const c = adj.slice(i, i + 200);
      await q.run(
        `INSERT INTO bill_adjustments (customer, period, for_period, device_id, counter, billed_pages, pages_now, difference, included) VALUES ${c.map(() => `(${Array(9).fill('?').join(', ')})`).join(', ')}`,
        c.flat());
    }
  });
  // The closed bill as stored; its late changes against the meter reads just computed (not computed again).
  return (await billingReportPlain(db, customer, label, { now, recomputed: plain ?? undefined })).report;
}
