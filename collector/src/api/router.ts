import { timingSafeEqual } from 'node:crypto';
import { audit } from '../auth/audit.js';
import { sessionFor } from '../auth/sessions.js';
import { userForToken } from '../auth/tokens.js';
import { can, customerFilter, scopeCustomer, type Action, type Viewer } from '../auth/viewer.js';
import { PeriodError } from '../reports/period.js';
import { BillingError } from '../billing/index.js';
import { decodeLowCursor, encodeLowCursor, lowCursor, lowSupplies } from '../reports/supplies.js';
import type { Req } from '../web/context.js';
import { bills } from '../web/billing.js';
import { deviceFilters } from '../web/fleet.js';
import { SESSION_COOKIE } from '../web/login.js';
import { cookies, readForm, sendJson } from '../web/respond.js';
import { acknowledgeAlert, openAlerts } from './alerts.js';
import { listAgents } from './agents.js';
import { deviceSupplies, getDevice, latestCounters, listDevices } from './devices.js';
import { deviceHistory, historyEnd } from './history.js';
import { openApi } from './openapi.js';
import { deviceReadings } from './readings.js';
import { decodeCursor, encodeCursor, forecasts, markShipped, shipCursor, suppliesToShip } from '../forecast/ship.js';
import { acknowledge, eventById, events } from '../notify/evaluate.js';

class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

interface ApiRoute {
  method: 'GET' | 'POST';
  path: RegExp;
  need?: Action;
  run: (r: Req, v: Viewer, m: RegExpExecArray) => Promise<unknown>;
}

const int = (p: URLSearchParams, k: string, d: number, max: number) => {
  const s = p.get(k);
  if (s === null || s === '') return d;
  if (!/^\d{1,9}$/.test(s)) throw new ApiError(400, `${k} must be a whole number`);
  return Math.min(Number(s), max);
};

/** A page cursor (`after`, as returned in `next`): a malformed one is a 400, never a silent first page. */
function cursorParam<T>(p: URLSearchParams, decode: (s: string) => T | null): T | null {
  const s = p.get('after');
  if (s === null || s === '') return null;
  const c = decode(s);
  if (!c) throw new ApiError(400, 'after must be the "next" value of the previous page');
  return c;
}

async function device(r: Req, v: Viewer, id: string) {
  const d = await getDevice(r.o.db, Number(id), scopeCustomer(v) ?? undefined);
  if (!d) throw new ApiError(404, 'no such device');
  return d;
}

/** The REST API: the same questions and the same role rules as the pages. */
const ROUTES: ApiRoute[] = [
  { method: 'GET', path: /^\/api\/v1\/me$/, run: async (_r, v) => ({ username: v.user.username, role: v.user.role, customer: v.user.customer }) },
  {
    method: 'GET', path: /^\/api\/v1\/devices$/,
    run: async (r, v) => {
      const p = r.url.searchParams;
      const out = await listDevices(r.o.db, deviceFilters(v, p, r.o.staleHours), { limit: int(p, 'limit', 100, 1000), offset: int(p, 'offset', 0, 1e9) });
      return out;
    },
  },
  {
    method: 'GET', path: /^\/api\/v1\/devices\/(\d{1,15})$/,
    run: async (r, v, m) => {
      const d = await device(r, v, m[1]!);
      const [counters, supplies, alerts] = await Promise.all([latestCounters(r.o.db, d.id), deviceSupplies(r.o.db, d.id), openAlerts(r.o.db, scopeCustomer(v) ?? undefined, d.id)]);
      return { ...d, counters, supplies, alerts };
    },
  },
  {
    method: 'GET', path: /^\/api\/v1\/devices\/(\d{1,15})\/readings$/,
    run: async (r, v, m) => {
      const d = await device(r, v, m[1]!);
      const p = r.url.searchParams;
      const t = (k: string) => { const s = p.get(k); if (s && Number.isNaN(Date.parse(s))) throw new ApiError(400, `${k} must be an ISO 8601 date or time`); return s ? new Date(s).toISOString() : undefined; };
      return { deviceId: d.id, readings: await deviceReadings(r.o.db, d.id, { from: t('from'), to: t('to'), limit: int(p, 'limit', 100, 1000) }) };
    },
  },
  { method: 'GET', path: /^\/api\/v1\/devices\/(\d{1,15})\/history$/, run: async (r, v, m) => { const d = await device(r, v, m[1]!); return deviceHistory(r.o.db, d.id, { now: historyEnd(d.lastReadAt) }); } },
  {
    method: 'GET', path: /^\/api\/v1\/meters$/,
    run: async (r, v) => {
      const b = await bills(r.o.db, r.url.searchParams, customerFilter(v, r.url.searchParams.get('customer')));
      return { period: b.label, bills: b.reports };
    },
  },
  {
    method: 'GET', path: /^\/api\/v1\/supplies$/,
    run: async (r, v) => {
      const p = r.url.searchParams;
      const limit = int(p, 'limit', 1000, 10_000);
      const rows = await lowSupplies(r.o.db, { customer: customerFilter(v, p.get('customer')), belowPercent: int(p, 'below', 10, 100), limit, after: cursorParam(p, decodeLowCursor) });
      return { supplies: rows, next: rows.length === limit ? encodeLowCursor(lowCursor(rows[rows.length - 1]!)) : null };
    },
  },
  { method: 'GET', path: /^\/api\/v1\/alerts$/, run: async (r, v) => ({ alerts: await openAlerts(r.o.db, customerFilter(v, r.url.searchParams.get('customer'))) }) },
  {
    method: 'POST', path: /^\/api\/v1\/alerts\/([A-Za-z0-9._-]{1,64})\/ack$/, need: 'acknowledge',
    run: async (r, v, m) => {
      const a = await acknowledgeAlert(r.o.db, m[1]!, customerFilter(v, null), v.user.username);
      if (!a) throw new ApiError(404, 'no such open alert');
      await audit(r.o.db, { actor: v.user.username, action: 'alert.ack', target: `device ${a.deviceId}`, detail: (a.codeName ?? a.description ?? '').slice(0, 200), address: r.remote });
      return { alert: a };
    },
  },
  {
    method: 'GET', path: /^\/api\/v1\/forecasts$/,
    run: async (r, v) => {
      const p = r.url.searchParams;
      const dev = p.get('device');
      if (dev !== null) await device(r, v, dev);
      return { forecasts: await forecasts(r.o.db, { customer: customerFilter(v, p.get('customer')), deviceId: dev !== null ? Number(dev) : undefined }) };
    },
  },
  {
    method: 'GET', path: /^\/api\/v1\/supplies\/to-ship$/,
    run: async (r, v) => {
      const p = r.url.searchParams;
      const limit = int(p, 'limit', 1000, 10_000);
      const rows = await suppliesToShip(r.o.db, { customer: customerFilter(v, p.get('customer')), limit, after: cursorParam(p, decodeCursor) });
      return { toShip: rows, next: rows.length === limit ? encodeCursor(shipCursor(rows[rows.length - 1]!)) : null };
    },
  },
  {
    method: 'POST', path: /^\/api\/v1\/devices\/(\d{1,15})\/supplies\/([^/]{1,200})\/shipped$/, need: 'ship',
    run: async (r, v, m) => {
      const d = await device(r, v, m[1]!);
      const idx = decodeURIComponent(m[2]!);
      if (!(await r.o.db.get('SELECT idx FROM supplies WHERE device_id = ? AND idx = ?', [d.id, idx]))) throw new ApiError(404, 'no such supply');
      await markShipped(r.o.db, d.id, idx, v.user.username);
      await audit(r.o.db, { actor: v.user.username, action: 'supply.shipped', target: `device ${d.id}`, detail: idx, address: r.remote });
      return { ok: true };
    },
  },
  { method: 'GET', path: /^\/api\/v1\/notifications$/, run: async (r, v) => ({ notifications: await events(r.o.db, { customer: customerFilter(v, r.url.searchParams.get('customer')), open: r.url.searchParams.get('open') === '1' }) }) },
  {
    method: 'POST', path: /^\/api\/v1\/notifications\/(\d{1,15})\/ack$/, need: 'acknowledge',
    run: async (r, v, m) => {
      const id = Number(m[1]);
      const e = await eventById(r.o.db, id, { customer: customerFilter(v, null) });
      if (!e) throw new ApiError(404, 'no such notification');
      await acknowledge(r.o.db, id, v.user.username);
      await audit(r.o.db, { actor: v.user.username, action: 'notification.ack', target: String(id), detail: e.kind, address: r.remote });
      return { ok: true };
    },
  },
  { method: 'GET', path: /^\/api\/v1\/agents$/, run: async (r, v) => ({ agents: await listAgents(r.o.db, scopeCustomer(v) ?? undefined) }) },
];

/** Bearer token first; a browser session may read (GET) and, with its CSRF token in X-CSRF-Token, write. */
async function viewerFor(r: Req, method: string): Promise<Viewer | null> {
  const auth = String(r.req.headers.authorization ?? '');
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const user = m ? await userForToken(r.o.db, m[1]!) : null;
    return user ? { user, tz: 'UTC', via: 'token' } : null;
  }
  const s = await sessionFor(r.o.db, cookies(r.req).get(SESSION_COOKIE));
  if (!s) return null;
  if (method !== 'GET') {
    const a = Buffer.from(String(r.req.headers['x-csrf-token'] ?? ''));
    const b = Buffer.from(s.csrf);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ApiError(403, 'a browser session needs its CSRF token in X-CSRF-Token to change anything; or use an API token');
  }
  return { user: s.user, tz: s.tz ?? 'UTC', via: 'session' };
}

export function apiHandler(o: Req['o']): (r: Req) => Promise<void> {
  void o;
  return async (r) => {
    const method = r.req.method === 'HEAD' ? 'GET' : r.req.method ?? 'GET';
    const path = r.url.pathname;
    try {
      if (path === '/api/openapi.json' && method === 'GET') return sendJson(r.res, 200, openApi());
      const v = await viewerFor(r, method);
      if (!v) throw new ApiError(401, 'log in or send an API token: Authorization: Bearer amr_...');
      for (const route of ROUTES) {
        const m = route.path.exec(path);
        if (!m) continue;
        if (route.method !== method) throw new ApiError(405, `use ${route.method}`);
        if (route.need && !can(v, route.need)) throw new ApiError(403, `role ${v.user.role} may not do this`);
        if (method === 'POST') await readForm(r.req);
        return sendJson(r.res, 200, await route.run(r, v, m));
      }
      throw new ApiError(404, 'no such API path; see /api/openapi.json');
    } catch (err) {
      if (err instanceof ApiError) return sendJson(r.res, err.status, { ok: false, error: err.message }, err.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="amr collector"' } : {});
      if (err instanceof PeriodError || err instanceof BillingError) return sendJson(r.res, 400, { ok: false, error: err.message });
      throw err;
    }
  };
}
