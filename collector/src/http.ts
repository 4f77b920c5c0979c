import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from './db/types.js';
import { q, type Logger } from './log.js';
import { MAX_COMPRESSED } from '@amr/protocol';
import { isRefusal, preflight, receive } from './receive.js';
import type { IngestLimits } from './ingest.js';
import { consoleHandler } from './web/router.js';

export interface HttpOptions {
  db: Db;
  log: Logger;
  /** HTTPS: console cookies are Secure. */
  secure?: boolean;
  staleHours?: number;
  limits?: IngestLimits;
}

/** A body past this is not read at all: the connection is closed. */
const DRAIN_LIMIT = 8 * 1024 * 1024;
/** Bodies of enrolled agents held in memory at once, all requests together; past it: 503, retry later. */
export const MAX_BODIES_IN_FLIGHT = 64 * 1024 * 1024;
let inFlight = 0;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8', extra: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...extra });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads the body; `null` when it went past MAX_COMPRESSED, or when `keep` is false (a refused
 * request: the body is read and dropped, never held, so the refusal reaches the client).
 */
function readBody(req: IncomingMessage, keep = true): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = !keep || Number(header(req, 'content-length') ?? 0) > MAX_COMPRESSED;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_COMPRESSED) tooLarge = true;
      if (size > (keep ? DRAIN_LIMIT : MAX_COMPRESSED)) req.destroy();
      else if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
  });
}

export function httpHandler(opts: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { db, log } = opts;
  const consoleRequest = consoleHandler({ db, log, secure: !!opts.secure, staleHours: opts.staleHours ?? 24 });
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
      const agentId = header(req, 'x-amr-agent');
      const length = Number(header(req, 'content-length') ?? 0);
      if (length > MAX_COMPRESSED) {
        await readBody(req); // read and dropped (up to 8 MiB), so the client hears the refusal
        log('warn', `reject 413 too large agent=${q(agentId)} from=${remote}`);
        return send(res, 413, { ok: false, code: 'too_large', error: 'too large' }, undefined, { Connection: 'close' });
      }
      // Strangers and replays are refused before their body is held in memory.
      const pre = await preflight(db, agentId, header(req, 'x-amr-timestamp'));
      if (isRefusal(pre)) {
        req.resume(); // the rest of the body is read and dropped by the server, never held
        log('warn', `reject ${pre.status} ${pre.body.ok ? '' : pre.body.error} agent=${q(agentId)} from=${remote}`);
        return send(res, pre.status, pre.body);
      }
      const reserve = Math.max(length, 1024);
      if (inFlight + reserve > MAX_BODIES_IN_FLIGHT) {
        req.resume();
        log('error', `reject 503 busy: ${inFlight} bytes of bodies in flight agent=${q(agentId)} from=${remote}`);
        return send(res, 503, { ok: false, code: 'unavailable', error: 'busy, retry later' });
      }
      inFlight += reserve;
      let body: Buffer | null;
      try {
        body = await readBody(req);
      } finally {
        inFlight -= reserve;
      }
      if (body === null) {
        log('warn', `reject 413 too large agent=${q(agentId)} from=${remote}`);
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

    return consoleRequest(req, res, url);
  }
}
