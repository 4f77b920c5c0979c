import { customers, deviceModels, listDevices, type DeviceFilters, type DeviceRow } from '../api/devices.js';
import { can, customerFilter, scopeCustomer } from '../auth/viewer.js';
import type { Req, WebViewer } from './context.js';
import { fmtNum, fmtTime, LEVEL_ORDER, type Level } from './format.js';
import { badge, esc, htmlTable, page, raw } from './html.js';
import { sendHtml } from './respond.js';

const PAGE = 100;

export const ident = (r: { vendor: string | null; model: string | null }) => [r.vendor, r.model].filter(Boolean).join(' ') || 'device';

/** Filters from a query string, the same for the fleet page and GET /api/v1/devices. */
export function deviceFilters(v: WebViewer | import('../auth/viewer.js').Viewer, p: URLSearchParams, silentHours: number): DeviceFilters {
  const level = p.get('status') as Level | null;
  return {
    customer: customerFilter(v, p.get('customer')),
    model: p.get('model') || undefined,
    level: level && (LEVEL_ORDER as string[]).includes(level) ? level : undefined,
    q: (p.get('q') ?? '').trim().slice(0, 100) || undefined,
    lowSupplies: p.get('low') === '1',
    silent: p.get('silent') === '1',
    silentHours,
  };
}

export const silentSince = (lastReadAt: string | null, hours: number, now = Date.now()) => !lastReadAt || Date.parse(lastReadAt) < now - hours * 3_600_000;

export async function fleetPage(r: Req, v: WebViewer): Promise<void> {
  const { db, staleHours } = r.o;
  const p = r.url.searchParams;
  const f = deviceFilters(v, p, staleHours);
  const pageNo = Math.max(1, Math.min(100_000, Number(p.get('page')) || 1));
  const scope = scopeCustomer(v) ?? undefined;
  const [summary, models, list] = await Promise.all([
    customers(db, scope), deviceModels(db, f.customer), listDevices(db, f, { limit: PAGE, offset: (pageNo - 1) * PAGE }),
  ]);
  const staff = can(v, 'view-all-customers');
  const opt = (val: string, label: string, cur: string | undefined) => `<option value="${esc(val)}"${val === (cur ?? '') ? ' selected' : ''}>${esc(label)}</option>`;
  const filters = `<form method="get" class="filters" id="filters" role="search">
<label>Search<input name="q" value="${esc(f.q ?? '')}" placeholder="serial, MAC, model, IP, location"></label>
${staff ? `<label>Customer<select name="customer">${opt('', 'all', f.customer)}${summary.map((c) => opt(c.customer, c.customer, f.customer)).join('')}</select></label>` : ''}
<label>Model<select name="model">${opt('', 'all', f.model)}${models.map((m) => opt(m, m, f.model)).join('')}</select></label>
<label>Status<select name="status">${opt('', 'all', f.level)}${[['error', 'error (down, unreachable)'], ['warning', 'warning'], ['unknown', 'unknown'], ['ok', 'ok']].map(([a, b]) => opt(a!, b!, f.level)).join('')}</select></label>
<label><span><input type="checkbox" name="low" value="1"${f.lowSupplies ? ' checked' : ''}> low supplies</span></label>
<label><span><input type="checkbox" name="silent" value="1"${f.silent ? ' checked' : ''}> silent ${esc(staleHours)} h+</span></label>
<button type="submit">Show</button> <a href="/">Clear</a></form>`;
  const now = Date.now();
  const devCols = [
    ...(staff ? [{ header: 'Customer', get: (d: DeviceRow) => d.customer }] : []),
    { header: 'Site (agent)', get: (d: DeviceRow) => d.agentId },
    { header: 'Device', get: (d: DeviceRow) => raw(`<a href="/devices/${d.id}">${esc(ident(d))}</a>`) },
    { header: 'Serial', get: (d: DeviceRow) => d.serial ?? d.mac },
    { header: 'IP', get: (d: DeviceRow) => d.ip },
    { header: 'Location', get: (d: DeviceRow) => d.location },
    { header: 'Status', get: (d: DeviceRow) => raw(`${badge(d.status).html}${d.errors.length ? ` ${esc(d.errors.join(', '))}` : ''}`) },
    { header: 'Supplies', get: (d: DeviceRow) => (d.lowSupplies ? badge(`${d.lowSupplies} low`, 'warning') : d.lowestSupply === null ? '' : `lowest ${d.lowestSupply} %`) },
    { header: 'Total pages', get: (d: DeviceRow) => fmtNum(d.total), num: true },
    { header: 'Last reading', get: (d: DeviceRow) => raw(`${esc(fmtTime(d.lastReadAt, v.tz) || 'never')}${silentSince(d.lastReadAt, staleHours, now) ? ` ${badge('silent', 'warning').html}` : ''}`) },
  ];
  const pages = Math.max(1, Math.ceil(list.total / PAGE));
  const link = (n: number) => { const q = new URLSearchParams(p); q.set('page', String(n)); return `/?${esc(q.toString())}`; };
  const pager = `<p class="pager" id="pager">${fmtNum(list.total)} device${list.total === 1 ? '' : 's'}${pages > 1 ? `, page ${pageNo} of ${fmtNum(pages)}` : ''}
${pageNo > 1 ? `<a href="${link(pageNo - 1)}">previous</a>` : ''}${pageNo < pages ? `<a href="${link(pageNo + 1)}">next</a>` : ''}</p>`;
  const body = [
    staff ? '<h2>Customers</h2>' : '',
    htmlTable('customers', summary, [
      { header: 'Customer', get: (c) => raw(`<a href="/?customer=${encodeURIComponent(c.customer)}">${esc(c.customer)}</a>`) },
      { header: 'Sites (agents)', get: (c) => fmtNum(c.agents), num: true }, { header: 'Devices', get: (c) => fmtNum(c.devices), num: true },
      { header: 'Last heard', get: (c) => fmtTime(c.lastHeardAt, v.tz) || 'never' },
    ], 'No customers yet: enrol an agent on the Agents page or with "amr-collector enroll --customer CODE".'),
    '<h2>Devices</h2>', filters, pager,
    htmlTable('devices', list.devices, devCols, 'No device matches.'),
  ].join('\n');
  sendHtml(r.res, 200, page(v, 'Fleet', body));
}
