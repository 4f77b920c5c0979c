import type { Db } from '../db/types.js';
import { countersBackwards } from '../reports/backwards.js';
import { fleet } from '../reports/fleet.js';
import { meters } from '../reports/meters.js';
import { parsePeriod } from '../reports/period.js';
import { stale } from '../reports/stale.js';
import { lowSupplies } from '../reports/supplies.js';
import { openAlerts } from '../reports/alerts.js';
import { esc, htmlTable, page } from './html.js';

/** The dealer's read-only pages: the same reports as the CLI, rendered on the server (no scripts). */
const ident = (r: { vendor: string | null; model: string | null }) => [r.vendor, r.model].filter(Boolean).join(' ');
const devId = (r: { serial: string | null; mac: string | null }) => r.serial ?? r.mac ?? '';

export async function fleetPage(db: Db, customer?: string): Promise<string> {
  const f = await fleet(db, { customer });
  return page('Fleet', 'Fleet', [
    '<h2>Customers</h2>',
    htmlTable('customers', f.customers, [
      { header: 'Customer', get: (r) => r.customer }, { header: 'Agents', get: (r) => r.agents },
      { header: 'Devices', get: (r) => r.devices }, { header: 'Last heard', get: (r) => r.lastHeardAt ?? 'never' },
    ], 'No customers yet: enrol an agent with "amr-collector enroll --customer CODE".'),
    '<h2>Agents</h2>',
    htmlTable('agents', f.agents, [
      { header: 'Agent', get: (r) => r.agentId }, { header: 'Customer', get: (r) => r.customer },
      { header: 'Version', get: (r) => r.version }, { header: 'Last heard', get: (r) => r.lastHeardAt ?? 'never' },
    ], 'No agents enrolled.'),
    '<h2>Devices</h2>',
    htmlTable('devices', f.devices, [
      { header: 'Customer', get: (r) => r.customer }, { header: 'Device', get: ident },
      { header: 'Serial', get: (r) => r.serial }, { header: 'MAC', get: (r) => r.mac }, { header: 'IP', get: (r) => r.ip },
      { header: 'Last reading', get: (r) => r.lastReadAt }, { header: 'Total pages', get: (r) => r.total },
      { header: 'Status', get: (r) => [r.status, ...r.errors].join(' '), cls: (r) => (r.status === 'running' ? undefined : r.status === 'warning' ? 'warn' : 'bad') },
    ], 'No devices reported yet.'),
  ].join('\n'));
}

export async function metersPage(db: Db, query: URLSearchParams): Promise<string> {
  const opts = { period: query.get('period') || undefined, from: query.get('from') || undefined, to: query.get('to') || undefined };
  const period = parsePeriod(opts);
  const customer = query.get('customer') || undefined;
  const rep = await meters(db, period, { customer });
  const csvLink = `./meters.csv?${new URLSearchParams({ from: period.from, to: period.to, ...(customer ? { customer } : {}) }).toString()}`;
  const edge = (e: { value: number | null; at: string | null; source: string }) =>
    e.value === null ? '' : e.source === 'read' ? `${e.value} (${e.at?.slice(0, 16)})` : e.source === 'partial' ? `${e.value} (partial, ${e.at?.slice(0, 16)})` : `${e.value} (${e.source})`;
  return page('Meter reads', 'Meter reads', [
    `<form method="get"><label>Month <input name="period" placeholder="YYYY-MM" value="${esc(opts.period ?? '')}"></label>
     <label>Customer <input name="customer" value="${esc(customer ?? '')}"></label> <button>Show</button></form>`,
    `<p id="period">From ${esc(rep.from)} to ${esc(rep.to)}. Estimated values (no read within ${rep.toleranceHours} h of the edge) are <span class="estimated">marked</span>. <a id="csv" href="${esc(csvLink)}">CSV for ERP import</a></p>`,
    htmlTable('meters', rep.rows, [
      { header: 'Customer', get: (r) => r.customer }, { header: 'Device', get: ident }, { header: 'Serial / MAC', get: devId },
      { header: 'Counter', get: (r) => r.counter },
      { header: 'Start', get: (r) => edge(r.start), cls: (r) => (r.start.estimated ? 'estimated' : undefined) },
      { header: 'End', get: (r) => edge(r.end), cls: (r) => (r.end.estimated ? 'estimated' : undefined) },
      { header: 'Pages', get: (r) => r.pages ?? r.note, cls: (r) => (r.pages === null ? 'bad' : r.estimated ? 'estimated' : undefined) },
      { header: 'Status', get: (r) => r.status },
    ], 'No counters read in or around this period.'),
  ].join('\n'));
}

export async function suppliesPage(db: Db, query: URLSearchParams, defaultStaleHours = 24): Promise<string> {
  const customer = query.get('customer') || undefined;
  const n = (k: string, d: number) => (/^\d{1,6}$/.test(query.get(k) ?? '') && Number(query.get(k)) > 0 ? Number(query.get(k)) : d);
  const staleHours = n('hours', defaultStaleHours);
  const days = n('days', 92);
  const [sup, al, st, bw] = await Promise.all([
    lowSupplies(db, { customer }), openAlerts(db, { customer }), stale(db, { customer, hours: staleHours }), countersBackwards(db, { customer, days }),
  ]);
  return page('Supplies & alerts', 'Supplies & alerts', [
    '<h2>Low and empty supplies</h2>',
    htmlTable('supplies', sup, [
      { header: 'Customer', get: (r) => r.customer }, { header: 'Device', get: ident }, { header: 'Serial / MAC', get: devId },
      { header: 'Supply', get: (r) => r.description }, { header: 'Colour', get: (r) => r.color },
      { header: 'Level %', get: (r) => r.levelPercent }, { header: 'State', get: (r) => r.state, cls: (r) => (r.state === 'empty' || r.state === 'full' ? 'bad' : 'warn') },
    ], 'No supply is low.'),
    '<h2>Open alerts</h2>',
    htmlTable('alerts', al, [
      { header: 'Customer', get: (r) => r.customer }, { header: 'Device', get: ident }, { header: 'Serial / MAC', get: devId },
      { header: 'Severity', get: (r) => r.severity, cls: (r) => (r.severity === 'critical' ? 'bad' : undefined) },
      { header: 'Alert', get: (r) => r.codeName ?? r.code }, { header: 'Description', get: (r) => r.description }, { header: 'Since', get: (r) => r.since },
    ], 'No open alerts.'),
    `<h2>Not heard from in ${esc(staleHours)} hours</h2>`,
    htmlTable('stale', st, [
      { header: 'Kind', get: (r) => r.kind }, { header: 'Customer', get: (r) => r.customer }, { header: 'Id', get: (r) => r.id },
      { header: 'Name', get: (r) => r.name }, { header: 'Last heard', get: (r) => r.lastHeardAt ?? 'never' },
    ], 'Everything reported recently.'),
    `<h2>Counters that went backwards in the last ${esc(days)} days</h2>`,
    htmlTable('backwards', bw, [
      { header: 'Customer', get: (r) => r.customer }, { header: 'Device', get: ident }, { header: 'Serial / MAC', get: devId },
      { header: 'Counter', get: (r) => r.counter }, { header: 'Before', get: (r) => `${r.before} (${r.beforeAt})` },
      { header: 'After', get: (r) => `${r.after} (${r.afterAt})`, cls: () => 'bad' },
    ], 'No counter went backwards.'),
  ].join('\n'));
}
