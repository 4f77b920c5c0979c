import { audit } from '../auth/audit.js';
import { verifyPassword } from '../auth/password.js';
import { createToken, listTokens, revokeToken } from '../auth/tokens.js';
import { findUser, setPassword } from '../auth/users.js';
import type { Req, WebViewer } from './context.js';
import { fmtTime } from './format.js';
import { csrfField, esc, htmlTable, page, postButton, raw } from './html.js';
import { redirect, sendHtml } from './respond.js';
import { HttpError } from './router.js';

export async function accountPage(r: Req, v: WebViewer, newToken?: string): Promise<void> {
  const tokens = await listTokens(r.o.db, v.user.id);
  const body = `<p>You are <strong>${esc(v.user.username)}</strong>, role ${esc(v.user.role)}${v.user.customer ? ` for customer ${esc(v.user.customer)}` : ''}.</p>
<h2>API tokens</h2>
<p>A token acts with your role: send it as <code>Authorization: Bearer TOKEN</code> to <code>/api/v1/...</code> (see <a href="/api/openapi.json">the OpenAPI document</a>).</p>
${newToken ? `<p class="notice">Your new token, shown <strong>only now</strong>:</p><pre class="secret" id="new-token">${esc(newToken)}</pre>` : ''}
${htmlTable('tokens', tokens, [
    { header: 'Name', get: (t) => t.name }, { header: 'Created', get: (t) => fmtTime(t.createdAt, v.tz) },
    { header: 'Last used', get: (t) => fmtTime(t.lastUsedAt, v.tz) || 'never' },
    { header: '', get: (t) => raw(postButton(v, '/account/tokens/revoke', 'Revoke', { id: String(t.id) }, 'danger')) },
  ], 'No API tokens.')}
<form method="post" action="/account/tokens" id="new-token-form">${csrfField(v)}<label>Name <input name="name" required maxlength="64" placeholder="ERP import"></label> <button type="submit">Create token</button></form>
<h2>Password</h2>
<form method="post" action="/account/password" id="password-form">${csrfField(v)}
<label>Current <input name="current" type="password" autocomplete="current-password" required></label>
<label>New <input name="password" type="password" autocomplete="new-password" required minlength="10"></label>
<button type="submit">Change password</button></form>`;
  sendHtml(r.res, 200, page(v, 'Account', body));
}

export async function createTokenAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const name = (f.get('name') ?? '').trim();
  const t = await createToken(r.o.db, v.user.id, name);
  await audit(r.o.db, { actor: v.user.username, action: 'token.create', target: name, detail: `id ${t.id}`, address: r.remote });
  return accountPage(r, v, t.token);
}

export async function revokeTokenAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const id = Number(f.get('id'));
  if (!(await revokeToken(r.o.db, v.user.id, id))) throw new HttpError(404, 'There is no such token of yours.');
  await audit(r.o.db, { actor: v.user.username, action: 'token.revoke', target: String(id), detail: null, address: r.remote });
  redirect(r.res, '/account');
}

export async function changePasswordAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const me = await findUser(r.o.db, v.user.username);
  if (!me || !(await verifyPassword(f.get('current') ?? '', me.passwordHash))) throw new HttpError(403, 'The current password is wrong; nothing changed.');
  await setPassword(r.o.db, me.username, f.get('password') ?? '');
  await audit(r.o.db, { actor: v.user.username, action: 'user.passwd', target: me.username, detail: 'own password', address: r.remote });
  redirect(r.res, '/login');
}
