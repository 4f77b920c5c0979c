import { audit } from '../auth/audit.js';
import { can, customerFilter } from '../auth/viewer.js';
import { BillingError, billCsv, billingReports, closePeriod, type BillingReport } from '../billing/index.js';
import type { Db } from '../db/types.js';
import type { MeterRow } from '../reports/meters.js';
import type { Req, WebViewer } from './context.js';
import { ident } from './fleet.js';
import { fmtNum, fmtTime } from './format.js';
import { badge, esc, htmlTable, page, postButton, raw } from './html.js';
import { redirect, sendHtml, sendJson, sendText } from './respond.js';
import { HttpError } from './router.js';

/** The bills of the viewer's customers (or the one asked for) for a period label; default the last month. */
export async function bills(db: Db, p: URLSearchParams, customer: string | undefined): Promise<{ label: string; reports: BillingReport[] }> {
  const asked = p.get('period') ?? '';
  const label = asked || new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  if (customer !== undefined && !(await db.get('SELECT code FROM customers WHERE code = ?', [customer]))) return { label, reports: [] };
  return { label, reports: await billingReports(db, label, { customer }) };
}

const STATE: Record<BillingReport['state'], string> = { provisional: 'provisional: the period has not ended', final: 'ended, not closed', closed: 'closed (frozen)' };

function billTable(v: WebViewer, rep: BillingReport): string {
  const edge = (e: MeterRow['start']) => (e.value === null ? 'no data' : e.source === 'read' ? `${fmtNum(e.value)} (${fmtTime(e.at, v.tz)})` : `${fmtNum(e.value)} (${e.source}${e.at && e.source === 'partial' ? `, ${fmtTime(e.at, v.tz)}` : ''})`);
  const cls = (x: MeterRow, e: MeterRow['start']) => (x.status === 'no data' || e.value === null ? 'nodata' : e.estimated ? 'estimated' : undefined);
  const id = `bill-${rep.customer}`;
  const close = rep.state === 'final' && can(v, 'manage-users')
    ? postButton(v, '/billing/close', `Close ${rep.period} for ${rep.customer}`, { customer: rep.customer, period: rep.period }) : '';
  return `<h2>${esc(rep.customer)} · ${esc(rep.period)}</h2>
<p class="bill-state">From ${esc(fmtTime(rep.from, v.tz))} to ${esc(fmtTime(rep.to, v.tz))} (billing day ${esc(rep.billingDay)}, ${esc(rep.timeZone)}): ${badge(STATE[rep.state], rep.state === 'provisional' ? 'warning' : 'ok').html} ${close}</p>
${htmlTable(id, rep.rows, [
    { header: 'Device', get: (x) => raw(`<a href="/devices/${x.deviceId}">${esc(ident(x))}</a>`) },
    { header: 'Serial / MAC', get: (x) => x.serial ?? x.mac }, { header: 'Counter', get: (x) => x.counter },
    { header: 'Start', get: (x) => edge(x.start), cls: (x) => cls(x, x.start) },
    { header: 'End', get: (x) => edge(x.end), cls: (x) => cls(x, x.end) },
    { header: 'Pages', get: (x) => (x.pages === null ? (x.status === 'no data' ? 'no data' : x.note ?? '') : fmtNum(x.pages)), num: true, cls: (x) => (x.pages === null ? 'nodata' : x.estimated ? 'estimated' : undefined) },
    { header: 'Status', get: (x) => x.status },
  ], 'No devices.')}
${rep.adjustments.length ? htmlTable(`${id}-adjustments`, rep.adjustments, [
    { header: 'Adjustment for', get: (a) => a.forPeriod }, { header: 'Serial / MAC', get: (a) => a.serial ?? a.mac }, { header: 'Counter', get: (a) => a.counter },
    { header: 'Billed', get: (a) => fmtNum(a.billedPages), num: true }, { header: 'Now', get: (a) => fmtNum(a.pagesNow), num: true },
    { header: 'Difference', get: (a) => fmtNum(a.difference), num: true }, { header: 'In this period', get: (a) => (a.included ? 'yes' : 'no') },
  ], '') : ''}`;
}

export async function billingPage(r: Req, v: WebViewer): Promise<void> {
  const p = r.url.searchParams;
  const customer = customerFilter(v, p.get('customer'));
  const { label, reports } = await bills(r.o.db, p, customer);
  const qs = new URLSearchParams({ period: label, ...(customer && can(v, 'view-all-customers') ? { customer } : {}) }).toString();
  const body = [
    `<form method="get" class="filters" id="period-form"><label>Period<input name="period" placeholder="YYYY-MM" value="${esc(label)}"></label>
${can(v, 'view-all-customers') ? `<label>Customer<input name="customer" value="${esc(customer ?? '')}"></label>` : ''}<button type="submit">Show</button></form>`,
    `<p id="period">Each customer's period starts on its billing day at midnight in its time zone. Estimated values are <span class="estimated">marked</span>;
 a device with no read in or near the period shows <span class="nodata">no data</span>, never a number.
 Export: <a id="csv" href="/billing.csv?${esc(qs)}">CSV</a> · <a id="json" href="/billing.json?${esc(qs)}">JSON</a></p>`,
    reports.length ? reports.map((rep) => billTable(v, rep)).join('\n') : '<p class="empty" id="no-bills">No customer.</p>',
  ].join('\n');
  sendHtml(r.res, 200, page(v, 'Billing', body));
}

export async function billingExport(r: Req, v: WebViewer, m: RegExpExecArray): Promise<void> {
  const { label, reports } = await bills(r.o.db, r.url.searchParams, customerFilter(v, r.url.searchParams.get('customer')));
  const name = `meter-reads-${label}`;
  if (m[1] === 'json') return sendJson(r.res, 200, reports, { 'Content-Disposition': `attachment; filename="${name}.json"` });
  sendText(r.res, 200, billCsv(reports), 'text/csv; charset=utf-8', { 'Content-Disposition': `attachment; filename="${name}.csv"` });
}

/** Closing a period freezes a bill: an admin action, audited. */
export async function closeAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const customer = f.get('customer') ?? '';
  const period = f.get('period') ?? '';
  try {
    await closePeriod(r.o.db, customer, period, { by: v.user.username });
  } catch (err) {
    if (err instanceof BillingError) throw new HttpError(409, err.message);
    throw err;
  }
  await audit(r.o.db, { actor: v.user.username, action: 'billing.close', target: `${customer} ${period}`, detail: null, address: r.remote });
  redirect(r.res, `/billing?${new URLSearchParams({ period, customer }).toString()}`);
}
