/**
 * The printer page fetcher: GET only, short timeout, size cap while streaming,
 * same-host redirects only, and printers' self-signed certificates accepted.
 * That certificate leniency lives here and only here: it must never reach the
 * collector transport, which always verifies.
 */
import { got } from 'got';

export interface FetchOk {
  ok: true;
  status: number;
  body: string;
  /** Final URL after redirects. */
  url: string;
  bytes: number;
  ms: number;
}

export interface FetchFail {
  ok: false;
  /** One line: what happened and what to do. */
  note: string;
  status: number | null;
  bytes: number;
  ms: number;
  /** The printer's web server is not usable at all: skip its other pages. */
  fatal: boolean;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  user?: string | null;
  password?: string | null;
  headers?: Record<string, string>;
}

const LOGIN_PATH = /(^|[/_.-])(log-?in|log-?on|sign-?in|auth\w*)([/_.-]|$)/i;
const PASSWORD_FIELD = /<input\b[^>]*\btype\s*=\s*["']?password/i;

function decode(buf: Buffer, contentType: string | undefined): string {
  const m = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '');
  if (m) {
    try { return new TextDecoder(m[1]!.toLowerCase()).decode(buf); } catch { /* unknown label: fall through */ }
  }
  return buf.toString('utf8');
}

function kb(n: number): string {
  return `${Math.round(n / 1024)} KB`;
}

/**
 * GET one page. Never throws. The [web] password is never sent first: the page is asked
 * for without it, and only when the printer itself (the host first asked, whatever page it
 * redirected to on that host) answers 401 with a Basic challenge is it asked again with the
 * credentials, once. A printer that asks for nothing never sees them; nor does any other host.
 */
export async function fetchPage(url: string, o: FetchOptions): Promise<FetchOk | FetchFail> {
  const started = Date.now();
  const first = await fetchOnce(url, o, null);
  if (first.ok) return first;
  const { challenge, ...fail } = first;
  if (!challenge || !o.user || new URL(challenge.url).hostname !== new URL(url).hostname) return fail;
  if (!/(^|[\s,])basic\b/i.test(challenge.schemes)) {
    return { ...fail, note: `page asks for ${challenge.schemes.split(/[\s,]/)[0] || 'an unknown'} authentication, which amr does not do; turn web off for this device` };
  }
  const auth = `Basic ${Buffer.from(`${o.user}:${o.password ?? ''}`, 'utf8').toString('base64')}`;
  const second = await fetchOnce(challenge.url, o, auth);
  const ms = Date.now() - started;
  if (second.ok) return { ...second, ms };
  const { challenge: _again, ...failed } = second;
  return { ...failed, ms };
}

interface FetchOnceFail extends FetchFail {
  /** A 401's URL and WWW-Authenticate schemes: fetchPage decides whether to answer it. */
  challenge?: { url: string; schemes: string };
}

function fetchOnce(url: string, o: FetchOptions, authorization: string | null): Promise<FetchOk | FetchOnceFail> {
  const started = Date.now();
  const origin = new URL(url);
  return new Promise((resolve) => {
    let bytes = 0;
    let status: number | null = null;
    let contentType: string | undefined;
    let wwwAuthenticate = '';
    let finalUrl = url;
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (r: FetchOk | FetchOnceFail) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const failed = (note: string, fatal = false) =>
      finish({ ok: false, note, status, bytes, ms: Date.now() - started, fatal });

    const stream = got.stream(url, {
      method: 'GET',
      // GET only, also after 301/302/303/307/308: never let a redirect change the method or carry a body.
      methodRewriting: false,
      timeout: { request: o.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: true,
      maxRedirects: o.maxRedirects,
      decompress: true,
      https: { rejectUnauthorized: false },
      headers: {
        'user-agent': 'amr (printer monitoring; read-only)', accept: '*/*', ...(o.headers ?? {}),
        ...(authorization ? { authorization } : {}),
      },
      hooks: {
        beforeRedirect: [
          (next) => {
            const to = next.url instanceof URL ? next.url : new URL(String(next.url));
            if (to.hostname !== origin.hostname) {
              throw new Error(`redirected to another host (${to.hostname})`);
            }
            if (String(next.method).toUpperCase() !== 'GET') throw new Error('redirect asked for a non-GET request');
          },
        ],
      },
    });

    stream.on('response', (res: { statusCode: number; headers: Record<string, string | string[] | undefined>; url: string }) => {
      status = res.statusCode;
      finalUrl = res.url;
      contentType = res.headers['content-type'] as string | undefined;
      const challenge = res.headers['www-authenticate'];
      wwwAuthenticate = Array.isArray(challenge) ? challenge.join(', ') : challenge ?? '';
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > o.maxBytes) {
        stream.destroy();
        failed(`page is ${kb(declared)}, over the ${kb(o.maxBytes)} limit ([web] max_kb); not read`);
      }
    });
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > o.maxBytes) {
        stream.destroy();
        failed(`page is over the ${kb(o.maxBytes)} limit ([web] max_kb); stopped reading`);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (e: Error & { code?: string }) => {
      if (done) return;
      const code = e.code ?? '';
      if (code === 'ERR_TOO_MANY_REDIRECTS' || e.name === 'MaxRedirectsError') {
        failed(`redirect loop (more than ${o.maxRedirects} redirects); check the printer's web settings`);
      } else if (e.name === 'TimeoutError' || code === 'ETIMEDOUT') {
        failed(`no complete answer within ${o.timeoutMs} ms ([web] timeout); printer busy or web server hung`, true);
      } else if (code === 'ECONNREFUSED') {
        failed('web server refused the connection (web pages turned off?)', true);
      } else if (code === 'ECONNRESET' || code === 'EPIPE') {
        failed('web server closed the connection', true);
      } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        failed(`printer not reachable over HTTP (${code})`, true);
      } else if (/another host|non-GET/.test(e.message)) {
        failed(`${e.message}; not followed (only the printer itself is read)`);
      } else {
        failed(`request failed: ${e.message.split('\n')[0]!.slice(0, 120)}`, true);
      }
    });
    stream.on('end', () => {
      if (done) return;
      const ms = Date.now() - started;
      const asked = new URL(url);
      const landed = new URL(finalUrl);
      if (status === 401 || status === 407) {
        const note = o.user ? 'page refused the configured [web] user/password (HTTP 401)' : 'page asks for a login (HTTP 401); set [web] user and password, or turn web off for this device';
        finish({ ok: false, note, status, bytes, ms, fatal: false, challenge: status === 401 && !authorization ? { url: finalUrl, schemes: wwwAuthenticate } : undefined });
        return;
      }
      if (status === 403) {
        failed('page access forbidden (HTTP 403); the printer may need a login or allow-list');
        return;
      }
      if (status === 404 || status === 410) {
        failed(`page not found (HTTP ${status}); firmware may have moved it`);
        return;
      }
      if (status === null || status < 200 || status >= 300) {
        failed(`printer answered HTTP ${status ?? '?'}`);
        return;
      }
      const body = decode(Buffer.concat(chunks), contentType);
      const movedToLogin = landed.pathname !== asked.pathname && LOGIN_PATH.test(landed.pathname + landed.search);
      if (movedToLogin || (PASSWORD_FIELD.test(body) && !LOGIN_PATH.test(asked.pathname))) {
        failed(`page redirects to a login form (${landed.pathname}); set [web] user and password, or turn web off for this device`);
        return;
      }
      finish({ ok: true, status, body, url: finalUrl, bytes, ms });
    });
  });
}
