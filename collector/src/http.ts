import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Db } from './db/types.js';
import { q, type Logger } from './log.js';
import { MAX_COMPRESSED } from '@amr/protocol';
import { receive } from './receive.js';
import type { IngestLimits } from './ingest.js';
import { csv, columnsOf } from './reports/format.js';
import { meterCsvRecords, meters, METER_CSV_COLUMNS } from './reports/meters.js';
import { parsePeriod, PeriodError } from './reports/period.js';
import { fleetPage, metersPage, suppliesPage } from './web/views.js';

export interface HttpOptions {
  db: Db;
  log: Logger;
  /** Lets the dealer views be seen from other machines (HTTP basic password or bearer token); without it only loopback may look. */
  viewToken?: string;
  staleHours?: number;
  limits?: IngestLimits;
}

/** A body past this is not read at all: the connection is closed. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8', extra: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...extra });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads the body; `null` when it went past MAX_COMPRESSED (the rest is drained, then dropped). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(header(req, 'content-length') ?? 0) > MAX_COMPRESSED;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_COMPRESSED) tooLarge = true;
      if (size > DRAIN_LIMIT) req.destroy();
      else if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
  });
}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'));
}

function viewAllowed(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return isLoopback(req.socket.remoteAddress);
  const auth = header(req, 'authorization') ?? '';
  let given = '';
  if (auth.startsWith('Bearer ')) given = auth.slice(7);
  else if (auth.startsWith('Basic ')) given = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function httpHandler(opts: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { db, log } = opts;
  return (req, res) => {
    handle(req, res).catch((err: Error) => {
      log('error', `${req.method} ${q(req.url)} failed: ${err.message}`);
      if (!res.headersSent) send(res, 500, { ok: false, code: 'internal', error: 'internal error' });
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    const path = url.pathname;
    const remote = req.socket.remoteAddress ?? '?';

    if (path.endsWith('/v1/messages')) {
      if (req.method !== 'POST') return send(res, 405, { ok: false, code: 'method_not_allowed', error: 'use POST' }, undefined, { Allow: 'POST' });
      const body = await readBody(req);
      if (body === null) {
        log('warn', `reject 413 too large agent=${q(header(req, 'x-amr-agent'))} from=${remote}`);
        return send(res, 413, { ok: false, code: 'too_large', error: 'too large' }, undefined, { Connection: 'close' });
      }
      const out = await receive(db, {
        agentId: header(req, 'x-amr-agent'), timestamp: header(req, 'x-amr-timestamp'), signature: header(req, 'x-amr-signature'), body,
      }, 'https', remote, Date.now(), opts.limits);
      if (out.body.ok) {
        log('info', `stored ${out.body.duplicate ? 'duplicate ' : ''}message ${q(out.body.messageId)} agent=${q(out.agentId)} readings=${out.readings ?? 0} from=${remote}`);
      } else {
        log(out.status === 503 ? 'error' : 'warn', `reject ${out.status} ${out.body.error} agent=${q(out.agentId)} from=${remote}${out.internal ? ` (${out.internal})` : ''}`);
      }
      return send(res, out.status, out.body);
    }

    if (path.endsWith('/healthz')) {
      await db.get('SELECT 1 AS one');
      return send(res, 200, { ok: true });
    }

    const view = /\/(meters\.csv|meters|supplies)?$/.exec(path);
    if (!view) return send(res, 404, { ok: false, code: 'not_found', error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, code: 'method_not_allowed', error: 'read-only' }, undefined, { Allow: 'GET' });
    if (!viewAllowed(req, opts.viewToken)) {
      log('warn', `view ${q(path)} refused from=${remote}`);
      return opts.viewToken
        ? send(res, 401, 'Password needed (the collector\'s --view-token).\n', 'text/plain; charset=utf-8', { 'WWW-Authenticate': 'Basic realm="amr collector"' })
        : send(res, 403, 'The dealer views are served to this machine only; start the collector with --view-token to allow others.\n', 'text/plain; charset=utf-8');
    }
    const customer = url.searchParams.get('customer') || undefined;
    const htmlHeaders = { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'", 'X-Content-Type-Options': 'nosniff' };
    try {
      switch (view[1]) {
        case 'meters':
          return send(res, 200, await metersPage(db, url.searchParams), 'text/html; charset=utf-8', htmlHeaders);
        case 'meters.csv': {
          const p = url.searchParams;
          const rep = await meters(db, parsePeriod({ period: p.get('period') || undefined, from: p.get('from') || undefined, to: p.get('to') || undefined }), { customer });
          return send(res, 200, csv(meterCsvRecords(rep), columnsOf(METER_CSV_COLUMNS)), 'text/csv; charset=utf-8',
            { 'Content-Disposition': `attachment; filename="meter-reads-${rep.from.slice(0, 10)}.csv"` });
        }
        case 'supplies':
          return send(res, 200, await suppliesPage(db, url.searchParams, opts.staleHours), 'text/html; charset=utf-8', htmlHeaders);
        default:
          return send(res, 200, await fleetPage(db, customer), 'text/html; charset=utf-8', htmlHeaders);
      }
    } catch (err) {
      if (err instanceof PeriodError) return send(res, 400, `${err.message}\n`, 'text/plain; charset=utf-8');
      throw err;
    }
  }
}
