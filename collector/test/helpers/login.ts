/** Logs in as a browser would (GET the form for its token and cookie, POST it), over node:http or node:https. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

type Requester = typeof httpRequest;
interface Res { status: number; headers: IncomingHttpHeaders; body: string }

function go(req: Requester, url: string, o: { method?: string; headers?: Record<string, string>; body?: string; ca?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const r = req(url, { method: o.method ?? 'GET', headers: o.headers, ca: o.ca } as object, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

export async function login(base: string, username: string, password: string, o: { ca?: string; request?: Requester; skipToken?: boolean; tz?: string } = {}) {
  const req = o.request ?? httpRequest;
  const form = await go(req, `${base}/login`, { ca: o.ca });
  const token = /name="_login" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const cookie = (form.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const body = new URLSearchParams({ _login: o.skipToken ? 'x'.repeat(token.length) : token, username, password, tz: o.tz ?? '', next: '/' }).toString();
  const res = await go(req, `${base}/login`, {
    method: 'POST', ca: o.ca, body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)), Cookie: cookie },
  });
  const sessionCookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('amr_session=') && !c.startsWith('amr_session=;')) ?? null;
  return { status: res.status, body: res.body, sessionCookie, cookie: sessionCookie?.split(';')[0] ?? null };
}
