import { csv, columnsOf } from '../reports/format.js';
import type { BillingReport } from './report.js';

/** One line per device and counter; adjustments to the closed period before as lines of kind `adjustment`. */
export const BILL_CSV_COLUMNS = [
  'customer', 'period', 'state', 'kind', 'vendor', 'model', 'serial', 'mac', 'counter', 'unit',
  'period_start', 'start_value', 'start_read_at', 'start_source',
  'period_end', 'end_value', 'end_read_at', 'end_source',
  'pages', 'status', 'note',
] as const;

export function billCsvRecords(reports: BillingReport[]): Record<(typeof BILL_CSV_COLUMNS)[number], unknown>[] {
  return reports.flatMap((rep) => [
    ...rep.rows.map((r) => ({
      customer: rep.customer, period: rep.period, state: rep.state, kind: 'meter', vendor: r.vendor, model: r.model, serial: r.serial, mac: r.mac,
      counter: r.counter, unit: r.unit, period_start: r.periodStart, start_value: r.start.value, start_read_at: r.start.at, start_source: r.start.source,
      period_end: r.periodEnd, end_value: r.end.value, end_read_at: r.end.at, end_source: r.end.source, pages: r.pages, status: r.status, note: r.note,
    })),
    ...rep.adjustments.map((a) => ({
      customer: rep.customer, period: rep.period, state: rep.state, kind: 'adjustment', vendor: null, model: null, serial: a.serial, mac: a.mac,
      counter: a.counter, unit: null, period_start: null, start_value: null, start_read_at: null, start_source: null,
      period_end: null, end_value: null, end_read_at: null, end_source: null, pages: a.difference, status: a.included ? 'included' : 'not included',
      note: `${a.forPeriod} billed ${a.billedPages ?? 'no data'}, now ${a.pagesNow ?? 'no data'}${a.included ? ' (already in this period\'s pages)' : ''}`,
    })),
  ]);
}

export function billCsv(reports: BillingReport[]): string {
  return csv(billCsvRecords(reports), columnsOf(BILL_CSV_COLUMNS));
}

export function billJson(reports: BillingReport[]): string {
  return JSON.stringify(reports, null, 2) + '\n';
}
