import { audit } from '../auth/audit.js';
import { can, customerFilter } from '../auth/viewer.js';
import { once } from 'node:events';
import { decodeCursor, forecasts, markShipped, shipCsvRecords, SHIP_CSV_COLUMNS, suppliesToShip, suppliesToShipPages, type ShipRow } from '../forecast/ship.js';
import { acknowledge, eventById, events, type EventRow } from '../notify/evaluate.js';
import { getDevice } from '../api/devices.js';
import { columnsOf, csv } from '../reports/format.js';
import type { Req, WebViewer } from './context.js';
import { ident } from './fleet.js';
import { fmtNum, fmtTime, statusLevel } from './format.js';
import { badge, esc, htmlTable, page, postButton, raw } from './html.js';
import { redirect, sendHtml, sendText, startStream } from './respond.js';
import { HttpError } from './router.js';

/** Toner and service, from helper "service"'s modules: supplies to ship (mark shipped), forecasts, notifications (acknowledge). */
export function shipTable(v: WebViewer, rows: ShipRow[]): string {
  const ship = can(v, 'ship');
  return htmlTable('to-ship', rows, [
    ...(can(v, 'view-all-customers') ? [{ header: 'Customer', get: (x: ShipRow) => x.customer }] : []),
    { header: 'Device', get: (x: ShipRow) => raw(`<a href="/devices/${x.deviceId}">${esc(ident(x))}</a>`) },
    { header: 'Serial / MAC', get: (x: ShipRow) => x.serial ?? x.mac }, { header: 'Location', get: (x: ShipRow) => x.location },
    { header: 'Supply', get: (x: ShipRow) => x.description ?? x.color }, { header: 'Level %', get: (x: ShipRow) => x.levelPercent, num: true },
    { header: 'State', get: (x: ShipRow) => (x.state ? badge(x.state, statusLevel(x.state) === 'unknown' ? 'warning' : statusLevel(x.state)) : '') },
    { header: 'Days left', get: (x: ShipRow) => (x.daysLeft === null ? 'unknown' : fmtNum(x.daysLeft)), num: true },
    { header: 'Why', get: (x: ShipRow) => x.why },
    ...(ship ? [{ header: '', get: (x: ShipRow) => raw(postButton(v, '/supplies/ship', 'Mark shipped', { device: String(x.deviceId), supply: x.supply })) }] : []),
  ], 'Nothing to ship.');
}

/** Rows of the list a page shows; the next page starts after the last (a keyset cursor in `ship_after`). */
export const SHIP_PAGE = 100;

export async function toShip(r: Req, v: WebViewer): Promise<ShipRow[]> {
  return suppliesToShip(r.o.db, { customer: customerFilter(v, r.url.searchParams.get('customer')), limit: SHIP_PAGE, after: decodeCursor(r.url.searchParams.get('ship_after')) });
}

/** The whole list as CSV, written a page at a time (memory and time to first byte bounded at any fleet size). */
export async function shipCsv(r: Req, v: WebViewer): Promise<void> {
  const cols = columnsOf(SHIP_CSV_COLUMNS);
  let first = true;
  for await (const rows of suppliesToShipPages(r.o.db, { customer: customerFilter(v, r.url.searchParams.get('customer')) })) {
    const text = csv(shipCsvRecords(rows), cols);
    if (first) {
      startStream(r.res, 200, 'text/csv; charset=utf-8', { 'Content-Disposition': 'attachment; filename="supplies-to-ship.csv"' });
      first = false;
      if (!r.res.write(text)) await once(r.res, 'drain');
    } else if (!r.res.write(text.slice(text.indexOf('\n') + 1))) await once(r.res, 'drain'); // header line once
  }
  if (first) return sendText(r.res, 200, csv([], cols), 'text/csv; charset=utf-8', { 'Content-Disposition': 'attachment; filename="supplies-to-ship.csv"' });
  r.res.end();
}

export async function shipAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const d = await getDevice(r.o.db, Number(f.get('device')), customerFilter(v, null));
  const idx = f.get('supply') ?? '';
  if (!d || !(await r.o.db.get('SELECT idx FROM supplies WHERE device_id = ? AND idx = ?', [d.id, idx]))) throw new HttpError(404, 'There is no such supply.');
  await markShipped(r.o.db, d.id, idx, v.user.username);
  await audit(r.o.db, { actor: v.user.username, action: 'supply.shipped', target: `device ${d.id}`, detail: idx, address: r.remote });
  redirect(r.res, '/supplies');
}

export async function forecastTable(r: Req, deviceId: number, v: WebViewer): Promise<string> {
  const rows = await forecasts(r.o.db, { deviceId });
  return htmlTable('forecast', rows, [
    { header: 'Supply', get: (x) => x.description ?? x.color }, { header: 'Level %', get: (x) => x.levelPercent, num: true },
    { header: 'Days left', get: (x) => (x.daysLeft === null ? 'unknown' : fmtNum(x.daysLeft)), num: true },
    { header: 'Empty around', get: (x) => (x.emptyAt ? fmtTime(x.emptyAt, v.tz).slice(0, 10) : '') },
    { header: 'Method', get: (x) => x.method ?? 'none' }, { header: 'Reads used', get: (x) => x.points, num: true },
  ], 'No consumables to forecast.');
}

export async function notificationsPage(r: Req, v: WebViewer): Promise<void> {
  const rows = await events(r.o.db, { customer: customerFilter(v, r.url.searchParams.get('customer')), limit: 500 });
  const ack = can(v, 'acknowledge');
  sendHtml(r.res, 200, page(v, 'Notifications', htmlTable('notifications', rows, [
    ...(can(v, 'view-all-customers') ? [{ header: 'Customer', get: (e: EventRow) => e.customer }] : []),
    { header: 'Rule', get: (e: EventRow) => e.ruleName }, { header: 'Kind', get: (e: EventRow) => e.kind },
    { header: 'About', get: (e: EventRow) => (e.deviceId ? raw(`<a href="/devices/${e.deviceId}">${esc([e.model, e.serial].filter(Boolean).join(' ') || e.subject)}</a>`) : e.agentId ?? e.subject) },
    { header: 'Detail', get: (e: EventRow) => e.detail },
    { header: 'State', get: (e: EventRow) => badge(e.state, e.state === 'open' ? 'warning' : 'ok') },
    { header: 'Opened', get: (e: EventRow) => fmtTime(e.openedAt, v.tz) }, { header: 'Cleared', get: (e: EventRow) => fmtTime(e.clearedAt, v.tz) },
    { header: 'Acknowledged', get: (e: EventRow) => (e.ackedAt ? `${e.ackedBy ?? ''}, ${fmtTime(e.ackedAt, v.tz)}` : ack ? raw(postButton(v, `/notifications/${e.id}/ack`, 'Acknowledge')) : 'no') },
  ], 'No notifications. Rules are set with "amr-collector notify add".')));
}

export async function notificationAck(r: Req, v: WebViewer, m: RegExpExecArray): Promise<void> {
  const id = Number(m[1]);
  const mine = await eventById(r.o.db, id, { customer: customerFilter(v, null) });
  if (!mine) throw new HttpError(404, 'There is no such notification.');
  await acknowledge(r.o.db, id, v.user.username);
  await audit(r.o.db, { actor: v.user.username, action: 'notification.ack', target: String(id), detail: mine.kind, address: r.remote });
  redirect(r.res, '/notifications');
}
