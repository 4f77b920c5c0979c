import type { IncomingMessage, ServerResponse } from 'node:http';

/** Every console response: no caching, no sniffing, no framing, no referrer; scripts and styles only from the collector. */
const SECURITY = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendText(res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...SECURITY, ...extra });
  res.end(body);
}

/** Headers of a response whose body follows in pieces (chunked): for exports of any size. */
export function startStream(res: ServerResponse, status: number, type: string, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'Content-Type': type, ...SECURITY, ...extra });
}

export const sendHtml = (res: ServerResponse, status: number, html: string, extra: Record<string, string | string[]> = {}) =>
  sendText(res, status, html, 'text/html; charset=utf-8', { 'Content-Security-Policy': CSP, ...extra });

export const sendJson = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string | string[]> = {}) =>
  sendText(res, status, JSON.stringify(body, null, 1), 'application/json; charset=utf-8', extra);

/** After a POST: 303 so a reload does not post again. */
export function redirect(res: ServerResponse, to: string, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { Location: to, 'Content-Length': 0, ...SECURITY, ...extra });
  res.end();
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

export function setCookie(name: string, value: string, o: { secure: boolean; maxAgeS?: number; path?: string; sameSite?: 'Strict' | 'Lax' }): string {
  return [`${name}=${value}`, `Path=${o.path ?? '/'}`, 'HttpOnly', `SameSite=${o.sameSite ?? 'Strict'}`, ...(o.secure ? ['Secure'] : []),
    ...(o.maxAgeS !== undefined ? [`Max-Age=${o.maxAgeS}`] : [])].join('; ');
}

const FORM_LIMIT = 64 * 1024;

/** An application/x-www-form-urlencoded (or JSON object) body of at most 64 KiB; null when too large or not a form. */
export function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > FORM_LIMIT) { over = true; req.destroy(); } else chunks.push(c);
    });
    req.on('error', (e) => (over ? resolve(null) : reject(e)));
    req.on('close', () => over && resolve(null));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const type = String(req.headers['content-type'] ?? '');
      if (type.startsWith('application/json')) {
        try {
          const o = JSON.parse(text || '{}') as unknown;
          if (typeof o !== 'object' || o === null || Array.isArray(o)) return resolve(null);
          return resolve(new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
        } catch { return resolve(null); }
      }
      resolve(new URLSearchParams(text));
    });
  });
}
