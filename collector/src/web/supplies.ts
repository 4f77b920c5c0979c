import { customerFilter } from '../auth/viewer.js';
import { countersBackwards } from '../reports/backwards.js';
import { stale } from '../reports/stale.js';
import { decodeLowCursor, encodeLowCursor, lowCursor, lowSupplies } from '../reports/supplies.js';
import { encodeCursor, shipCursor } from '../forecast/ship.js';
import type { Req, WebViewer } from './context.js';
import { ident } from './fleet.js';
import { fmtNum, fmtTime, statusLevel } from './format.js';
import { badge, esc, htmlTable, page, raw } from './html.js';
import { sendHtml } from './respond.js';
import { SHIP_PAGE, shipTable, toShip } from './service.js';

const LOW_PAGE = 100;
/** Counters that went backwards shown on the page (the CLI's `backwards` lists them all). */
const BACKWARDS_PAGE = 200;

/** "Next page" of one list on the page: the same query with that list's cursor moved on. */
function more(query: URLSearchParams, key: string, cursor: string | null, id: string): string {
  if (!cursor) return '';
  const q = new URLSearchParams(query);
  q.set(key, cursor);
  return `<p><a id="${id}" href="/supplies?${esc(q.toString())}">Next page</a></p>`;
}

const devLink = (r: { deviceId: number; vendor: string | null; model: string | null }) => raw(`<a href="/devices/${r.deviceId}">${esc(ident(r))}</a>`);
const devId = (r: { serial: string | null; mac: string | null }) => r.serial ?? r.mac ?? '';

/** Low supplies, silent agents and devices, counters that went backwards: in the viewer's scope. */
export async function suppliesPage(r: Req, v: WebViewer): Promise<void> {
  const query = r.url.searchParams;
  const customer = customerFilter(v, query.get('customer'));
  const n = (k: string, d: number) => (/^\d{1,6}$/.test(query.get(k) ?? '') && Number(query.get(k)) > 0 ? Number(query.get(k)) : d);
  const staleHours = n('hours', r.o.staleHours);
  const days = n('days', 92);
  const [ship, sup, st, bw] = await Promise.all([
    toShip(r, v), lowSupplies(r.o.db, { customer, limit: LOW_PAGE, after: decodeLowCursor(query.get('low_after')) }), stale(r.o.db, { customer, hours: staleHours }), countersBackwards(r.o.db, { customer, days, limit: BACKWARDS_PAGE + 1 }),
  ]);
  const csvQs = customer ? `?customer=${encodeURIComponent(customer)}` : '';
  sendHtml(r.res, 200, page(v, 'Supplies', [
    `<h2>Supplies to ship</h2><p>Below the customer's level or fewer days from empty than its threshold; a supply marked shipped stays off the list until its next cartridge change. <a id="ship-csv" href="/supplies/to-ship.csv${esc(csvQs)}">CSV</a></p>`,
    shipTable(v, ship),
    more(query, 'ship_after', ship.length === SHIP_PAGE ? encodeCursor(shipCursor(ship[ship.length - 1]!)) : null, 'ship-next'),
    '<h2>Low and empty supplies</h2>',
    htmlTable('supplies', sup, [
      { header: 'Customer', get: (x) => x.customer }, { header: 'Device', get: devLink }, { header: 'Serial / MAC', get: devId },
      { header: 'Supply', get: (x) => x.description }, { header: 'Colour', get: (x) => x.color },
      { header: 'Level %', get: (x) => x.levelPercent, num: true }, { header: 'State', get: (x) => badge(x.state, statusLevel(x.state) === 'unknown' ? 'warning' : statusLevel(x.state)) },
      { header: 'Read', get: (x) => fmtTime(x.readAt, v.tz) },
    ], 'No supply is low.'),
    more(query, 'low_after', sup.length === LOW_PAGE ? encodeLowCursor(lowCursor(sup[sup.length - 1]!)) : null, 'low-next'),
    `<h2>Not heard from in ${esc(staleHours)} hours</h2>`,
    htmlTable('stale', st, [
      { header: 'Kind', get: (x) => x.kind }, { header: 'Customer', get: (x) => x.customer }, { header: 'Id', get: (x) => x.id },
      { header: 'Name', get: (x) => x.name }, { header: 'Last heard', get: (x) => fmtTime(x.lastHeardAt, v.tz) || 'never' },
    ], 'Everything reported recently.'),
    `<h2>Counters that went backwards in the last ${esc(days)} days</h2>`,
    htmlTable('backwards', bw.slice(0, BACKWARDS_PAGE), [
      { header: 'Customer', get: (x) => x.customer }, { header: 'Device', get: (x) => ident(x) }, { header: 'Serial / MAC', get: devId },
      { header: 'Counter', get: (x) => x.counter }, { header: 'Before', get: (x) => `${fmtNum(x.before)} (${fmtTime(x.beforeAt, v.tz)})` },
      { header: 'After', get: (x) => `${fmtNum(x.after)} (${fmtTime(x.afterAt, v.tz)})`, cls: () => 'bad' },
    ], 'No counter went backwards.'),
    bw.length > BACKWARDS_PAGE ? `<p id="backwards-more">The first ${BACKWARDS_PAGE} by customer and time; <code>amr-collector backwards${customer ? ` --customer ${esc(customer)}` : ''} --days ${esc(days)}</code> lists them all.</p>` : '',
  ].join('\n')));
}
