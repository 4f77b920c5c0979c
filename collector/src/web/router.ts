import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sessionFor } from '../auth/sessions.js';
import { can, type Action } from '../auth/viewer.js';
import { UserError } from '../auth/users.js';
import { apiHandler } from '../api/router.js';
import { q } from '../log.js';
import { PeriodError } from '../reports/period.js';
import { EnrollError } from '../enroll.js';
import { BillingError } from '../billing/index.js';
import type { ConsoleOptions, Req, WebViewer } from './context.js';
import { esc, page } from './html.js';
import { doLogin, doLogout, SESSION_COOKIE, showLogin } from './login.js';
import { cookies, readForm, redirect, sendHtml, sendText } from './respond.js';
import { CSS, JS } from './static.js';
import { ROUTES } from './routes.js';

/** A refusal shown to the viewer as a page (or JSON from the API) with this status. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/**
 * The console: every page needs a logged-in user (from this machine too); every
 * POST needs the session's CSRF token and, when the browser says where it comes
 * from, the same origin. A page of another customer is 404, like one that does not exist.
 */
export function consoleHandler(o: ConsoleOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const api = apiHandler(o);
  return async (req, res, url) => {
    const r: Req = { req, res, url, o, remote: req.socket.remoteAddress ?? '?' };
    const path = url.pathname;
    const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
    if (path === '/static/console.css') return sendText(res, 200, CSS, 'text/css; charset=utf-8');
    if (path === '/static/console.js') return sendText(res, 200, JS, 'text/javascript; charset=utf-8');
    if (path === '/favicon.ico') return sendText(res, 404, '', 'text/plain; charset=utf-8');
    if (path.startsWith('/api/')) return api(r);
    if (path === '/login') {
      if (method === 'GET') return showLogin(r);
      if (method === 'POST') return doLogin(r);
      return sendText(res, 405, 'GET or POST\n', 'text/plain; charset=utf-8', { Allow: 'GET, POST' });
    }

    const session = await sessionFor(o.db, cookies(req).get(SESSION_COOKIE));
    if (!session) {
      if (method === 'GET') return redirect(res, `/login?next=${encodeURIComponent(path + url.search)}`);
      return sendHtml(res, 401, page(null, 'Logged out', '<p>Your session ended. <a href="/login">Log in</a> again.</p>'));
    }
    const v: WebViewer = { user: session.user, tz: session.tz ?? 'UTC', via: 'session', csrf: session.csrf, sessionHash: session.idHash };

    try {
      let form: URLSearchParams | undefined;
      if (method === 'POST') {
        const origin = req.headers.origin;
        if (origin && origin !== 'null' && new URL(origin).host !== req.headers.host) throw new HttpError(403, 'This form came from another site.');
        const f = await readForm(req);
        if (!f) throw new HttpError(413, 'The form was too large.');
        const a = Buffer.from(f.get('_csrf') ?? '');
        const b = Buffer.from(v.csrf);
        if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(403, 'The form expired or came from elsewhere (CSRF check); reload the page and try again.');
        form = f;
        if (path === '/logout') return doLogout(r, v);
      }
      for (const route of ROUTES) {
        if (route.method !== method) continue;
        const m = route.path.exec(path);
        if (!m) continue;
        if (route.need && !can(v, route.need as Action)) throw new HttpError(403, 'Your role may not do this.');
        return await route.run(r, v, m, form ?? new URLSearchParams());
      }
      throw new HttpError(404, 'There is no such page.');
    } catch (err) {
      if (err instanceof HttpError) return sendHtml(res, err.status, page(v, err.status === 404 ? 'Not found' : 'Refused', `<p class="error">${esc(err.message)}</p><p><a href="/">Back to the fleet</a></p>`));
      if (err instanceof UserError || err instanceof PeriodError || err instanceof EnrollError || err instanceof BillingError) return sendHtml(res, 400, page(v, 'Not done', `<p class="error">${esc(err.message)}</p><p><a href="/">Back to the fleet</a></p>`));
      o.log('error', `${req.method} ${q(path)} failed: ${(err as Error).message}`);
      throw err;
    }
  };
}
