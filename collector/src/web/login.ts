import { randomBytes, timingSafeEqual } from 'node:crypto';
import { audit } from '../auth/audit.js';
import { dummyHash, verifyPassword } from '../auth/password.js';
import { loginFailed, loginSucceeded, loginWait } from '../auth/ratelimit.js';
import { createSession, endSession, MAX_AGE_MS } from '../auth/sessions.js';
import { findUser } from '../auth/users.js';
import type { Req, WebViewer } from './context.js';
import { validTimeZone } from './format.js';
import { esc, page } from './html.js';
import { cookies, readForm, redirect, sendHtml, setCookie } from './respond.js';

export const SESSION_COOKIE = 'amr_session';
/** Login CSRF: a random value in a cookie and in the form (double submit), before there is a session. */
const LOGIN_COOKIE = 'amr_login';

/** Only a local path may follow a login (no open redirect). */
export const safeNext = (n: string | null | undefined) => (n && /^\/(?![/\\])[\x21-\x7e]*$/.test(n) && !n.startsWith('/login') ? n : '/');

function loginForm(r: Req, status: number, message: string | null, next: string, username = ''): void {
  // Keep the token a browser already has: a second tab (or a favicon fetch) must not invalidate the first form.
  const had = cookies(r.req).get(LOGIN_COOKIE);
  const token = had && /^[A-Za-z0-9_-]{32}$/.test(had) ? had : randomBytes(24).toString('base64url');
  const body = `${message ? `<p class="error" id="login-error" role="alert">${esc(message)}</p>` : ''}
<form method="post" action="/login" id="login">
<input type="hidden" name="_login" value="${token}"><input type="hidden" name="tz" value=""><input type="hidden" name="next" value="${esc(next)}">
<p><label>User name<br><input name="username" autocomplete="username" required value="${esc(username)}" autofocus></label></p>
<p><label>Password<br><input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Log in</button></p>
</form>
<p class="empty">No account? An admin adds one with <code>amr-collector user add NAME --role technician</code>.</p>`;
  sendHtml(r.res, status, page(null, 'Log in', body), { 'Set-Cookie': setCookie(LOGIN_COOKIE, token, { secure: r.o.secure, maxAgeS: 3600, path: '/login' }) });
}

export function showLogin(r: Req): void {
  loginForm(r, 200, null, safeNext(r.url.searchParams.get('next')));
}

export async function doLogin(r: Req): Promise<void> {
  const { db, log } = r.o;
  const form = await readForm(r.req);
  if (!form) return loginForm(r, 400, 'The form was too large.', '/');
  const next = safeNext(form.get('next'));
  const a = Buffer.from(form.get('_login') ?? '');
  const b = Buffer.from(cookies(r.req).get(LOGIN_COOKIE) ?? '');
  if (a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) {
    return loginForm(r, 403, 'The login form expired or came from elsewhere; please log in again.', next);
  }
  const username = (form.get('username') ?? '').trim().slice(0, 64);
  const password = form.get('password') ?? '';
  const wait = await loginWait(db, username, r.remote);
  if (wait > 0) {
    log('warn', `login refused (too many failures) user=${JSON.stringify(username.replace(/[^\x20-\x7e]/g, '?'))} from=${r.remote}`);
    return loginForm(r, 429, `Too many failed logins. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`, next, username);
  }
  const user = await findUser(db, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await loginFailed(db, username, r.remote);
    log('warn', `login failed user=${JSON.stringify(username.replace(/[^\x20-\x7e]/g, '?'))} from=${r.remote}`);
    return loginForm(r, 401, 'Wrong user name or password.', next, username);
  }
  await loginSucceeded(db, username);
  const s = await createSession(db, user.id, validTimeZone(form.get('tz')));
  if (user.role === 'admin') await audit(db, { actor: user.username, action: 'login', target: null, detail: null, address: r.remote });
  redirect(r.res, next, {
    'Set-Cookie': [
      setCookie(SESSION_COOKIE, s.id, { secure: r.o.secure, maxAgeS: Math.floor(MAX_AGE_MS / 1000), sameSite: 'Lax' }),
      setCookie(LOGIN_COOKIE, '', { secure: r.o.secure, maxAgeS: 0, path: '/login' }),
    ],
  });
}

export async function doLogout(r: Req, v: WebViewer): Promise<void> {
  await endSession(r.o.db, v.sessionHash);
  redirect(r.res, '/login', { 'Set-Cookie': setCookie(SESSION_COOKIE, '', { secure: r.o.secure, maxAgeS: 0, sameSite: 'Lax' }) });
}
