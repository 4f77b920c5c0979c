/**
 * One HTTPS (or, if allowed, HTTP) POST of a signed message to one collector URL,
 * through the configured proxy. Certificates are always verified; a custom CA is
 * added to the system roots, never replaces verification. Failures come back
 * classified so the journal and the dry-run can say what to fix.
 */
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Agents } from 'got';
import type { ProxyChoice } from './proxy.js';

/** Largest reply read from a collector; an acknowledgement is a few dozen bytes. */
export const MAX_REPLY_BYTES = 64 * 1024;

export type FailureKind =
  | 'dns' | 'refused' | 'timeout' | 'network' | 'tls'
  | 'proxy-unreachable' | 'proxy-auth' | 'proxy'
  | 'http-status' | 'bad-reply' | 'too-large';

export interface PostRequest {
  /** Collector base URL from [server] urls; the path /v1/messages is appended. */
  server: string;
  body: Buffer;
  headers: Record<string, string>;
  proxy: ProxyChoice | null;
  /** Extra CA certificate(s), PEM. */
  ca: string | null;
  timeoutMs: number;
  messageId: string;
  maxReplyBytes?: number;
  /** Host name to address; default the system resolver (diagnosis tests inject one). */
  lookup?: Lookup;
}

export type Lookup = (host: string) => Promise<{ address: string }>;

/** A Lookup in the callback form node:net and got take. */
function callbackLookup(lookup: Lookup) {
  return (host: string, opts: { all?: boolean }, cb: (e: Error | null, address?: unknown, family?: number) => void): void => {
    lookup(host).then(
      ({ address }) => (opts?.all ? cb(null, [{ address, family: isIP(address) }]) : cb(null, address, isIP(address))),
      (e: Error) => cb(e),
    );
  };
}

export type PostResult =
  | { ok: true; duplicate: boolean; status: number; latencyMs: number }
  | { ok: false; kind: FailureKind; error: string; status?: number; latencyMs: number; code?: string; refusal?: Refusal };

/** The collector's own JSON refusal (`{"ok":false,"error":…,"code":…}`); an HTML page from a proxy or WAF is not one. */
export interface Refusal { error: string; code: string | null }

export function parseRefusal(text: string, contentType: string | undefined): Refusal | null {
  if (!/json/i.test(contentType ?? '')) return null;
  try {
    const j = JSON.parse(text) as { ok?: unknown; error?: unknown; code?: unknown };
    if (j?.ok !== false || typeof j.error !== 'string') return null;
    return { error: j.error.slice(0, 300), code: typeof j.code === 'string' ? j.code.slice(0, 40) : null };
  } catch {
    return null;
  }
}

export function messagesUrl(server: string): string {
  return server.replace(/\/+$/, '') + '/v1/messages';
}

// got and hpagent are loaded on the first POST: `amr read` and `amr discover` never
// send, and loading them costs every command about 10 MB of memory.
export async function buildAgents(proxy: ProxyChoice | null, ca: string | null): Promise<Agents> {
  const tls = { ca: ca ? [...rootCertificates, ca] : undefined, rejectUnauthorized: true };
  if (!proxy) return {};
  const { HttpProxyAgent, HttpsProxyAgent } = await import('hpagent');
  // keepAlive makes hpagent send "Connection: keep-alive" on CONNECT; with "close" an
  // NTLM relay (cntlm) cannot finish its handshake with the corporate proxy. The
  // agents are destroyed after each POST, so no socket outlives it.
  return {
    https: new HttpsProxyAgent({ proxy: proxy.url, keepAlive: true, ...tls }),
    http: new HttpProxyAgent({ proxy: proxy.url, keepAlive: true }),
  };
}

export async function postMessage(req: PostRequest): Promise<PostResult> {
  const started = Date.now();
  const max = req.maxReplyBytes ?? MAX_REPLY_BYTES;
  const agents = await buildAgents(req.proxy, req.ca);
  let oversized = false;
  try {
    const { got } = await import('got');
    const request = got.post(messagesUrl(req.server), {
      body: req.body,
      headers: { ...req.headers, 'user-agent': 'amr-agent' },
      agent: agents,
      https: { certificateAuthority: req.ca ? [...rootCertificates, req.ca] : undefined, rejectUnauthorized: true },
      timeout: { request: req.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'buffer',
      ...(req.lookup ? { dnsLookup: callbackLookup(req.lookup) as never } : {}),
    });
    request.on('downloadProgress', (p: { transferred: number; total?: number }) => {
      if (p.transferred > max || (p.total !== undefined && p.total > max)) {
        oversized = true;
        request.cancel();
      }
    });
    const res = await request;
    const latencyMs = Date.now() - started;
    const text = res.body.toString('utf8');
    if (res.statusCode !== 200) {
      const refusal = parseRefusal(text, res.headers['content-type']);
      return {
        ok: false, kind: 'http-status', status: res.statusCode, latencyMs, error: describeStatus(res.statusCode, text, res.headers.location, refusal),
        ...(refusal ? { refusal } : {}),
      };
    }
    let reply: unknown;
    try { reply = JSON.parse(text); } catch { reply = null; }
    const r = reply as { ok?: unknown; messageId?: unknown; duplicate?: unknown } | null;
    if (!r || r.ok !== true || r.messageId !== req.messageId) {
      return { ok: false, kind: 'bad-reply', status: 200, latencyMs, error: `server answered 200 but not an acknowledgement of ${req.messageId}: ${printable(text)}` };
    }
    return { ok: true, duplicate: r.duplicate === true, status: 200, latencyMs };
  } catch (e) {
    const latencyMs = Date.now() - started;
    if (oversized) return { ok: false, kind: 'too-large', latencyMs, error: `reply larger than ${max} bytes; not a collector acknowledgement` };
    return { ...classify(e, req.proxy, req.timeoutMs), latencyMs };
  } finally {
    for (const a of [agents.https, agents.http]) if (a) a.destroy();
  }
}

function describeStatus(status: number, text: string, location: string | undefined, refusal: Refusal | null): string {
  if (status >= 300 && status < 400) return `HTTP ${status} redirect to ${printable(location ?? '?')} (a captive portal or a moved collector; put the right URL in [server] urls)`;
  if (refusal) return `HTTP ${status}: ${printable(refusal.error, 200)}`;
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (typeof j.error === 'string') return `HTTP ${status}: ${printable(j.error, 200)}`;
  } catch { /* not JSON */ }
  // Not the collector's JSON: a proxy, firewall or captive portal answered in its place.
  return `HTTP ${status} from something that is not the collector (a proxy, firewall, load balancer or captive portal?): ${printable(text)}`;
}

/** First bytes of a reply, safe to print. */
export function printable(text: string, max = 80): string {
  const t = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t || '(empty)';
}

const TLS_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet (check the PC clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate is for another host name',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the server certificate is signed by an unknown CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in an untrusted (self-signed) CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted',
  CERT_SIGNATURE_FAILURE: 'the server certificate signature is invalid',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port',
  EPROTO: 'TLS handshake failed',
};

export function classify(e: unknown, proxy: ProxyChoice | null, timeoutMs: number): { ok: false; kind: FailureKind; error: string; code?: string } {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code ?? '';
  const message = err.message ?? String(e);
  const bad = /Bad response: (\d+)/.exec(message);
  if (bad && proxy) {
    const status = Number(bad[1]);
    if (status === 407 || status === 401) {
      const hint = proxy.credentials === 'none'
        ? 'the proxy needs a user name and password: set user and password in config.ini [proxy]'
        : proxy.credentials === 'config'
          ? 'proxy rejected the credentials in config.ini [proxy]'
          : 'proxy rejected the credentials in the proxy URL';
      return { ok: false, kind: 'proxy-auth', code: String(status), error: `proxy ${proxy.display} answered ${status}: ${hint}` };
    }
    return { ok: false, kind: 'proxy', code: String(status), error: `proxy ${proxy.display} refused the tunnel with HTTP ${status} (${proxyStatusHint(status)})` };
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return { ok: false, kind: 'timeout', code: 'ETIMEDOUT', error: `no answer within ${Math.round(timeoutMs / 100) / 10}s${proxy ? ` (via proxy ${proxy.display})` : ''}` };
  }
  if (proxy && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(code) && !/socket hang up/.test(message)) {
    return { ok: false, kind: 'proxy-unreachable', code, error: `proxy ${proxy.display} is unreachable (${code})` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, kind: 'dns', code, error: `host name does not resolve (${code})` };
  if (code === 'ECONNREFUSED') return { ok: false, kind: 'refused', code, error: 'connection refused (nothing listens on that port, or a firewall rejects it)' };
  if (TLS_CODES[code] || /certificate|SSL|TLS/i.test(message)) {
    return { ok: false, kind: 'tls', code, error: `TLS: ${TLS_CODES[code] ?? message}` };
  }
  return { ok: false, kind: 'network', code, error: `${message}${code && !message.includes(code) ? ` (${code})` : ''}` };
}

function proxyStatusHint(status: number): string {
  if (status === 403) return 'the proxy policy forbids this destination or port; ask IT to allow it';
  if (status === 502 || status === 503 || status === 504) return 'the proxy could not reach the collector';
  return 'see the proxy log';
}
