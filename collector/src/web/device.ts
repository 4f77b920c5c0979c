import { openAlerts } from '../api/alerts.js';
import { deviceSupplies, getDevice, latestCounters } from '../api/devices.js';
import { deviceHistory, historyEnd } from '../api/history.js';
import { can, scopeCustomer } from '../auth/viewer.js';
import { barChart, lineChart } from './charts.js';
import type { Req, WebViewer } from './context.js';
import { ident, silentSince } from './fleet.js';
import { fmtNum, fmtTime, statusLevel } from './format.js';
import { badge, esc, Html, htmlTable, page, postButton, raw } from './html.js';
import { sendHtml } from './respond.js';
import { forecastTable } from './service.js';
import { HttpError } from './router.js';

function levelBar(level: number | null): string {
  if (level === null) return 'unknown';
  const l = Math.max(0, Math.min(100, level));
  return `<span class="level" aria-hidden="true"><span class="w${Math.round(l / 5) * 5}"></span></span> ${esc(l)} %`;
}

export async function devicePage(r: Req, v: WebViewer, m: RegExpExecArray): Promise<void> {
  const { db, staleHours } = r.o;
  const scope = scopeCustomer(v) ?? undefined;
  const d = await getDevice(db, Number(m[1]), scope);
  if (!d) throw new HttpError(404, 'There is no such device.');
  const [counters, supplies, alerts, hist] = await Promise.all([latestCounters(db, d.id), deviceSupplies(db, d.id), openAlerts(db, scope, d.id), deviceHistory(db, d.id, { now: historyEnd(d.lastReadAt) })]);
  const ack = can(v, 'acknowledge');
  const identity: [string, unknown][] = [
    ['Vendor', d.vendor], ['Model', d.model], ['Serial', d.serial], ['MAC', d.mac], ['IP', d.ip], ['Host name', d.hostname],
    ['Location', d.location], ['Firmware', d.firmware], ['Customer', d.customer], ['Site (agent)', d.agentId],
    ['Status', raw(`${badge(d.status).html}${d.printerStatus ? ` printer ${esc(d.printerStatus)}` : ''}${d.errors.length ? ` · ${esc(d.errors.join(', '))}` : ''}`)],
    ['Last reading', raw(`${esc(fmtTime(d.lastReadAt, v.tz) || 'never')}${silentSince(d.lastReadAt, staleHours) ? ` ${badge('silent', 'warning').html}` : ''}`)],
    ['First seen', fmtTime(d.firstSeenAt, v.tz)],
    ...(d.lastError ? [['Last error', d.lastError] as [string, unknown]] : []),
  ];
  const dl = `<dl class="ident" id="identity">${identity.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val instanceof Html ? val.html : esc(val)}</dd>`).join('')}</dl>`;
  const split = hist.split;
  const daySeries = split
    ? [{ label: 'mono', values: hist.days.map((x) => x.mono), fill: 'solid' as const }, { label: 'colour', values: hist.days.map((x) => x.color), fill: 'hatch' as const }]
    : [{ label: 'pages', values: hist.days.map((x) => x.total), fill: 'solid' as const }];
  const monSeries = split
    ? [{ label: 'mono', values: hist.months.map((x) => x.mono), fill: 'solid' as const }, { label: 'colour', values: hist.months.map((x) => x.color), fill: 'hatch' as const }]
    : [{ label: 'pages', values: hist.months.map((x) => x.total), fill: 'solid' as const }];
  const dayLabel = (s: string) => s.slice(5);
  const supplyLines = hist.supplies.map((s) => ({ label: s.label, color: s.color, points: s.points.map((p) => ({ t: Date.parse(p.at), v: p.level })) }));
  const fmtDay = (t: number) => fmtTime(new Date(t).toISOString(), v.tz).slice(0, 10);
  const dataTable = (id: string, heads: string[], rows: unknown[][]) => `<details><summary>Numbers</summary>${htmlTable(id, rows, heads.map((h, i) => ({ header: h, get: (row: unknown[]) => row[i], num: i > 0 })), 'none')}</details>`;

  const body = [
    dl,
    '<h2>Counters</h2>',
    htmlTable('counters', counters, [
      { header: 'Counter', get: (c) => c.key }, { header: 'Value', get: (c) => fmtNum(c.value), num: true }, { header: 'Unit', get: (c) => c.unit },
      { header: 'Read', get: (c) => fmtTime(c.readAt, v.tz) },
    ], 'No counters read yet.'),
    '<h2>Supplies</h2>',
    htmlTable('supplies', supplies, [
      { header: 'Supply', get: (s) => s.description }, { header: 'Colour', get: (s) => s.color }, { header: 'Type', get: (s) => s.type },
      { header: 'Level', get: (s) => raw(levelBar(s.levelPercent)) },
      { header: 'State', get: (s) => (s.state ? badge(s.state, statusLevel(s.state)) : '') },
    ], 'No supplies reported.'),
    '<h2>Forecast</h2>',
    await forecastTable(r, d.id, v),
    '<h2>Open alerts</h2>',
    htmlTable('open-alerts', alerts, [
      { header: 'Severity', get: (a) => badge(a.severity, a.severity === 'critical' ? 'error' : a.severity === 'warning' ? 'warning' : 'unknown') },
      { header: 'Alert', get: (a) => a.codeName ?? a.code }, { header: 'Description', get: (a) => a.description },
      { header: 'Since', get: (a) => fmtTime(a.since, v.tz) },
      { header: 'Acknowledged', get: (a) => (a.ackedBy ? `${a.ackedBy}, ${fmtTime(a.ackedAt, v.tz)}` : ack ? raw(postButton(v, `/alerts/${a.id}/ack`, 'Acknowledge', { next: `/devices/${d.id}` })) : 'no') },
    ], 'No open alerts.'),
    '<h2>Recent alerts (90 days)</h2>',
    htmlTable('recent-alerts', hist.alerts, [
      { header: 'Severity', get: (a) => a.severity }, { header: 'Alert', get: (a) => a.code }, { header: 'Description', get: (a) => a.description },
      { header: 'First seen', get: (a) => fmtTime(a.firstSeen, v.tz) }, { header: 'Last seen', get: (a) => fmtTime(a.lastSeen, v.tz) },
    ], 'No alerts in the last 90 days.'),
    '<h2>History</h2>',
    `<figure>${barChart('chart-daily', `Pages per day (the customer's days, ${hist.timeZone}; last 60)`, hist.days.map((x) => dayLabel(x.day)), daySeries, Math.max(1, Math.ceil(hist.days.length / 15)))}
<figcaption>Pages per day${split ? ', mono solid and colour hatched' : ''}; pages between two reads count on the day of the later read.${hist.days.some((x) => x.reset) ? ' A counter went backwards on a day marked "reset" in the numbers.' : ''}</figcaption>
${dataTable('data-daily', ['Day', ...(split ? ['Mono', 'Colour'] : ['Pages']), 'Note'], hist.days.map((x) => [x.day, ...(split ? [fmtNum(x.mono), fmtNum(x.color)] : [fmtNum(x.total)]), x.reset ? 'reset' : '']))}</figure>`,
    `<figure>${barChart('chart-monthly', 'Pages per month', hist.months.map((x) => x.month), monSeries)}
<figcaption>Pages per month${split ? ', mono solid and colour hatched' : ''} (sum of the days above, up to 13 months).</figcaption>
${dataTable('data-monthly', ['Month', ...(split ? ['Mono', 'Colour'] : ['Pages'])], hist.months.map((x) => [x.month, ...(split ? [fmtNum(x.mono), fmtNum(x.color)] : [fmtNum(x.total)])]))}</figure>`,
    `<figure>${lineChart('chart-supplies', 'Supply levels (last 90 days)', supplyLines, fmtDay)}
<figcaption>Supply levels in percent, one read per day; each supply has its own line pattern and marker and is named at its end.</figcaption>
${dataTable('data-supplies', ['Supply', 'First', 'Last', 'Reads'], hist.supplies.map((s) => [s.label, `${s.points[0]?.level ?? ''} %`, `${s.points[s.points.length - 1]?.level ?? ''} %`, s.points.length]))}</figure>`,
  ].join('\n');
  sendHtml(r.res, 200, page(v, `${ident(d)} ${d.serial ?? d.mac ?? ''}`.trim(), body, { active: 'Fleet' }));
}
