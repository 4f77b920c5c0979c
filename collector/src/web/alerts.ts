import { acknowledgeAlert, openAlerts, type OpenAlert } from '../api/alerts.js';
import { audit } from '../auth/audit.js';
import { can, customerFilter } from '../auth/viewer.js';
import type { Req, WebViewer } from './context.js';
import { ident } from './fleet.js';
import { fmtTime } from './format.js';
import { badge, esc, htmlTable, page, postButton, raw } from './html.js';
import { redirect, sendHtml } from './respond.js';
import { HttpError } from './router.js';

export const severityBadge = (s: string | null) => badge(s, s === 'critical' ? 'error' : s === 'warning' ? 'warning' : 'unknown');

export async function alertsPage(r: Req, v: WebViewer): Promise<void> {
  const rows = await openAlerts(r.o.db, customerFilter(v, r.url.searchParams.get('customer')));
  const ack = can(v, 'acknowledge');
  const staff = can(v, 'view-all-customers');
  sendHtml(r.res, 200, page(v, 'Alerts', htmlTable('alerts', rows, [
    ...(staff ? [{ header: 'Customer', get: (a: OpenAlert) => a.customer }] : []),
    { header: 'Device', get: (a: OpenAlert) => raw(`<a href="/devices/${a.deviceId}">${esc(ident(a))}</a>`) },
    { header: 'Serial', get: (a: OpenAlert) => a.serial ?? a.mac },
    { header: 'Severity', get: (a: OpenAlert) => severityBadge(a.severity) },
    { header: 'Alert', get: (a: OpenAlert) => a.codeName ?? a.code }, { header: 'Description', get: (a: OpenAlert) => a.description },
    { header: 'Since', get: (a: OpenAlert) => fmtTime(a.since, v.tz) },
    { header: 'Acknowledged', get: (a: OpenAlert) => (a.ackedBy ? `${a.ackedBy}, ${fmtTime(a.ackedAt, v.tz)}` : ack ? raw(postButton(v, `/alerts/${a.id}/ack`, 'Acknowledge')) : 'no') },
  ], 'No open alerts.')));
}

export async function ackAction(r: Req, v: WebViewer, m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const a = await acknowledgeAlert(r.o.db, m[1]!, customerFilter(v, null), v.user.username);
  if (!a) throw new HttpError(404, 'There is no such open alert.');
  await audit(r.o.db, { actor: v.user.username, action: 'alert.ack', target: `device ${a.deviceId}`, detail: (a.codeName ?? a.description ?? '').slice(0, 200), address: r.remote });
  const next = f.get('next');
  redirect(r.res, next && /^\/devices\/\d+$/.test(next) ? next : '/alerts');
}
