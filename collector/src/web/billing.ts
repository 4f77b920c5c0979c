import { customerFilter, can } from '../auth/viewer.js';
import type { Db } from '../db/types.js';
import { columnsOf, csv } from '../reports/format.js';
import { meterCsvRecords, meters, METER_CSV_COLUMNS, type MeterReport } from '../reports/meters.js';
import { parsePeriod } from '../reports/period.js';
import type { Req, WebViewer } from './context.js';
import { ident } from './fleet.js';
import { fmtNum, fmtTime } from './format.js';
import { esc, htmlTable, page, raw } from './html.js';
import { sendHtml, sendJson, sendText } from './respond.js';

/** A device of the scope with no row in the report: read neither in nor near the period. */
export interface NoData { deviceId: number; customer: string; vendor: string | null; model: string | null; serial: string | null; mac: string | null }

export async function billing(db: Db, p: URLSearchParams, customer: string | undefined): Promise<{ rep: MeterReport; noData: NoData[] }> {
  const period = parsePeriod({ period: p.get('period') || undefined, from: p.get('from') || undefined, to: p.get('to') || undefined });
  const rep = await meters(db, period, { customer });
  const seen = new Set(rep.rows.map((x) => x.deviceId));
  const devs = await db.all(`SELECT id, customer, vendor, model, serial, mac FROM devices${customer !== undefined ? ' WHERE customer = ?' : ''} ORDER BY customer, serial, id`,
    customer !== undefined ? [customer] : []);
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const noData = devs.filter((d) => !seen.has(Number(d.id))).map((d) => ({
    deviceId: Number(d.id), customer: String(d.customer), vendor: str(d.vendor), model: str(d.model), serial: str(d.serial), mac: str(d.mac),
  }));
  return { rep, noData };
}

export function billingRecords(b: { rep: MeterReport; noData: NoData[] }): Record<string, unknown>[] {
  return [
    ...meterCsvRecords(b.rep),
    ...b.noData.map((d) => ({
      customer: d.customer, vendor: d.vendor, model: d.model, serial: d.serial, mac: d.mac, counter: null, unit: null,
      period_start: b.rep.from, start_value: null, start_read_at: null, start_source: 'no data',
      period_end: b.rep.to, end_value: null, end_read_at: null, end_source: 'no data', pages: null, estimated: 'no', note: 'no data: no read in or near the period',
    })),
  ];
}

export async function billingPage(r: Req, v: WebViewer): Promise<void> {
  const p = r.url.searchParams;
  const customer = customerFilter(v, p.get('customer'));
  const { rep, noData } = await billing(r.o.db, p, customer);
  const qs = new URLSearchParams({ from: rep.from, to: rep.to, ...(customer && can(v, 'view-all-customers') ? { customer } : {}) }).toString();
  const edge = (e: { value: number | null; at: string | null; source: string }) =>
    e.value === null ? 'no data' : e.source === 'read' ? `${fmtNum(e.value)} (${fmtTime(e.at, v.tz)})` : `${fmtNum(e.value)} (${e.source})`;
  const body = [
    `<form method="get" class="filters" id="period-form"><label>Month<input name="period" placeholder="YYYY-MM" value="${esc(p.get('period') ?? '')}"></label>
${can(v, 'view-all-customers') ? `<label>Customer<input name="customer" value="${esc(customer ?? '')}"></label>` : ''}<button type="submit">Show</button></form>`,
    `<p id="period">From ${esc(rep.from)} to ${esc(rep.to)} (UTC). Estimated values (no read within ${rep.toleranceHours} h of the edge) are <span class="estimated">marked</span>.
 Export: <a id="csv" href="/billing.csv?${esc(qs)}">CSV</a> · <a id="json" href="/billing.json?${esc(qs)}">JSON</a></p>`,
    htmlTable('meters', rep.rows, [
      { header: 'Customer', get: (x) => x.customer }, { header: 'Device', get: (x) => raw(`<a href="/devices/${x.deviceId}">${esc(ident(x))}</a>`) },
      { header: 'Serial / MAC', get: (x) => x.serial ?? x.mac }, { header: 'Counter', get: (x) => x.counter },
      { header: 'Start', get: (x) => edge(x.start), cls: (x) => (x.start.value === null ? 'nodata' : x.start.estimated ? 'estimated' : undefined) },
      { header: 'End', get: (x) => edge(x.end), cls: (x) => (x.end.value === null ? 'nodata' : x.end.estimated ? 'estimated' : undefined) },
      { header: 'Pages', get: (x) => (x.pages === null ? x.note ?? 'no data' : fmtNum(x.pages)), num: true, cls: (x) => (x.pages === null ? 'nodata' : x.estimated ? 'estimated' : undefined) },
    ], 'No counters read in or around this period.'),
    noData.length ? '<h2>Devices with no data for this period</h2>' : '',
    noData.length ? htmlTable('no-data', noData, [
      { header: 'Customer', get: (x) => x.customer }, { header: 'Device', get: (x) => raw(`<a href="/devices/${x.deviceId}">${esc(ident(x))}</a>`) },
      { header: 'Serial / MAC', get: (x) => x.serial ?? x.mac }, { header: 'Pages', get: () => 'no data', cls: () => 'nodata' },
    ], '') : '',
  ].join('\n');
  sendHtml(r.res, 200, page(v, 'Billing', body));
}

export async function billingExport(r: Req, v: WebViewer, m: RegExpExecArray): Promise<void> {
  const b = await billing(r.o.db, r.url.searchParams, customerFilter(v, r.url.searchParams.get('customer')));
  const name = `meter-reads-${b.rep.from.slice(0, 10)}`;
  if (m[1] === 'json') return sendJson(r.res, 200, { from: b.rep.from, to: b.rep.to, rows: billingRecords(b) }, { 'Content-Disposition': `attachment; filename="${name}.json"` });
  sendText(r.res, 200, csv(billingRecords(b), columnsOf(METER_CSV_COLUMNS)), 'text/csv; charset=utf-8', { 'Content-Disposition': `attachment; filename="${name}.csv"` });
}
