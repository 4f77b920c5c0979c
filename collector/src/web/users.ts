import { audit, auditLog } from '../auth/audit.js';
import { addUser, listUsers, removeUser, ROLES, setPassword, type User } from '../auth/users.js';
import { customers } from '../api/devices.js';
import type { Req, WebViewer } from './context.js';
import { fmtTime } from './format.js';
import { csrfField, esc, htmlTable, page, raw } from './html.js';
import { redirect, sendHtml } from './respond.js';

export async function usersPage(r: Req, v: WebViewer): Promise<void> {
  const [users, cust] = await Promise.all([listUsers(r.o.db), customers(r.o.db, undefined)]);
  const table = htmlTable('users', users, [
    { header: 'User', get: (u: User) => u.username }, { header: 'Role', get: (u: User) => u.role }, { header: 'Customer', get: (u: User) => u.customer },
    { header: 'Created', get: (u: User) => fmtTime(u.createdAt, v.tz) }, { header: 'Password changed', get: (u: User) => fmtTime(u.passwordChangedAt, v.tz) },
    {
      header: 'Actions', get: (u: User) => raw(`<form method="post" action="/users/passwd" class="inline">${csrfField(v)}<input type="hidden" name="username" value="${esc(u.username)}">`
        + `<input name="password" type="password" autocomplete="new-password" placeholder="new password" aria-label="new password for ${esc(u.username)}" minlength="10"> <button type="submit">Set password</button></form> `
        + `<form method="post" action="/users/remove" class="inline">${csrfField(v)}<input type="hidden" name="username" value="${esc(u.username)}"><button type="submit" class="danger" data-confirm="Remove ${esc(u.username)}?">Remove</button></form>`),
    },
  ], 'No users.');
  const form = `<h2>Add a user</h2><form method="post" action="/users/add" id="add-user">${csrfField(v)}
<label>User name <input name="username" required></label>
<label>Role <select name="role">${ROLES.map((x) => `<option>${x}</option>`).join('')}</select></label>
<label>Customer (role customer) <select name="customer"><option value="">-</option>${cust.map((c) => `<option>${esc(c.customer)}</option>`).join('')}</select></label>
<label>Password <input name="password" type="password" autocomplete="new-password" required minlength="10"></label>
<button type="submit">Add</button></form>`;
  sendHtml(r.res, 200, page(v, 'Users', `${table}\n${form}`));
}

export async function addUserAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const u = await addUser(r.o.db, { username: (f.get('username') ?? '').trim(), role: f.get('role') ?? '', customer: f.get('customer') || null, password: f.get('password') ?? '' });
  await audit(r.o.db, { actor: v.user.username, action: 'user.add', target: u.username, detail: `role ${u.role}${u.customer ? ` customer ${u.customer}` : ''}`, address: r.remote });
  redirect(r.res, '/users');
}

export async function removeUserAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const name = f.get('username') ?? '';
  await removeUser(r.o.db, name);
  await audit(r.o.db, { actor: v.user.username, action: 'user.remove', target: name, detail: null, address: r.remote });
  redirect(r.res, '/users');
}

export async function passwdAction(r: Req, v: WebViewer, _m: RegExpExecArray, f: URLSearchParams): Promise<void> {
  const name = f.get('username') ?? '';
  await setPassword(r.o.db, name, f.get('password') ?? '');
  await audit(r.o.db, { actor: v.user.username, action: 'user.passwd', target: name, detail: null, address: r.remote });
  redirect(r.res, name === v.user.username ? '/login' : '/users');
}

export async function auditPage(r: Req, v: WebViewer): Promise<void> {
  const rows = await auditLog(r.o.db);
  sendHtml(r.res, 200, page(v, 'Audit log', htmlTable('audit', rows, [
    { header: 'When', get: (a) => fmtTime(a.at, v.tz) }, { header: 'Who', get: (a) => a.actor }, { header: 'Action', get: (a) => a.action },
    { header: 'On', get: (a) => a.target }, { header: 'Detail', get: (a) => a.detail }, { header: 'From', get: (a) => a.address },
  ], 'Nothing recorded yet.')));
}
