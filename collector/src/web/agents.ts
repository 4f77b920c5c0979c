import { decodeAgentCursor, encodeAgentCursor, listAgents, type AgentRow } from '../api/agents.js';
import { revokeAgent } from '../auth/agents.js';
import { audit } from '../auth/audit.js';
import { can, customerFilter } from '../auth/viewer.js';
import { configSnippet, enroll, rekey } from '../enroll.js';
import type { Req, WebViewer } from './context.js';
import { silentSince } from './fleet.js';
import { fmtNum, fmtTime, statusLevel } from './format.js';
import { badge, csrfField, esc, htmlTable, page, postButton, raw } from './html.js';
import { redirect, sendHtml } from './respond.js';
import { HttpError } from './router.js';

function collectorUrl(r: Req): string {
  const host = String(r.req.headers.host ?? 'collector.example.net').replace(/[^A-Za-z0-9.:[\]-]/g, '');
  return `${r.o.secure ? 'https' : 'http'}://${host}`;
}

/** Agents a page shows (by customer and id; "Next page" goes on from the last). */
export const AGENTS_PAGE = 200;

export async function agentsPage(r: Req, v: WebViewer): Promise<void> {
  const q = r.url.searchParams;
  const customer = customerFilter(v, q.get('customer'));
  const rows = await listAgents(r.o.db, customer, { limit: AGENTS_PAGE, after: decodeAgentCursor(q.get('after')) });
  const next = rows.length === AGENTS_PAGE ? (() => { const n = new URLSearchParams(q); n.set('after', encodeAgentCursor(rows[rows.length - 1]!)); return `<p><a id="agents-next" href="/agents?${esc(n.toString())}">Next page</a></p>`; })() : '';
  const admin = can(v, 'manage-agents');
  const outcome = (a: AgentRow) => {
    if (!a.lastRunOutcome) return 'unknown';
    const o = a.lastRunOutcome;
    return badge(o, o === 'ok' ? 'ok' : statusLevel(o) === 'unknown' ? 'warning' : statusLevel(o));
  };
  const table = htmlTable('agents', rows, [
    ...(can(v, 'view-all-customers') ? [{ header: 'Customer', get: (a: AgentRow) => a.customer }] : []),
    { header: 'Site (agent)', get: (a: AgentRow) => raw(`<a href="/?customer=${encodeURIComponent(a.customer)}&amp;q=">${esc(a.agentId)}</a>`) },
    { header: 'Version', get: (a: AgentRow) => a.version ?? 'never connected' },
    { header: 'Last heard', get: (a: AgentRow) => raw(`${esc(fmtTime(a.lastHeardAt, v.tz) || 'never')}${!a.revoked && silentSince(a.lastHeardAt, r.o.staleHours) ? ` ${badge('silent', 'warning').html}` : ''}`) },
    { header: 'Last run', get: (a: AgentRow) => raw(`${(() => { const o = outcome(a); return typeof o === 'string' ? esc(o) : o.html; })()}${a.lastRunAt ? ` ${esc(fmtTime(a.lastRunAt, v.tz))}` : ''}`) },
    { header: 'Spool backlog', get: (a: AgentRow) => (a.spoolBacklog === null ? 'unknown' : fmtNum(a.spoolBacklog)), num: true },
    { header: 'Devices', get: (a: AgentRow) => fmtNum(a.devices), num: true },
    { header: 'State', get: (a: AgentRow) => (a.revoked ? badge('revoked', 'error') : badge('active', 'ok')) },
    ...(admin ? [{
      header: 'Actions', get: (a: AgentRow) => raw(`${postButton(v, '/agents/rekey', 'Rekey', { agent: a.agentId })} ${a.revoked ? '' : postButton(v, '/agents/revoke', 'Revoke', { agent: a.agentId }, 'danger')}`),
    }] : []),
  ], 'No agents enrolled.');
  const enrolForm = admin ? `<h2>Enrol an agent</h2>
<form method="post" action="/agents/enroll" id="enroll">${csrfField(v)}
<label>Customer code <input name="customer" required pattern="[A-Za-z0-9][A-Za-z0-9._-]{0,63}" placeholder="ACME-0001"></label>
<label>Agent id (optional) <input name="agent" placeholder="frontdesk-pc"></label> <button type="submit">Enrol</button></form>` : '';
  sendHtml(r.res, 200, page(v, 'Agents', `${table}\n${next}\n${enrolForm}`));
}

function snippetPage(r: Req, v: WebViewer, title: string, e: { customer: string; agentId: string; key: string }): void {
  sendHtml(r.res, 200, page(v, title, `<p class="notice">Put these lines in config.ini on the customer's PC. The key is shown <strong>only now</strong>.</p>
<pre class="secret" id="snippet">${esc(configSnippet(e, [collectorUrl(r)]))}</pre><p><a href="/agents">Back to the agents</a></p>`, { active: 'Agents' }));
}

export async function enrollAction(r: Req, v: WebViewer, _m: RegExpExecArray, form: URLSearchParams): Promise<void> {
  const e = await enroll(r.o.db, (form.get('customer') ?? '').trim(), (form.get('agent') ?? '').trim() || undefined);
  await audit(r.o.db, { actor: v.user.username, action: 'agent.enroll', target: e.agentId, detail: `customer ${e.customer}`, address: r.remote });
  snippetPage(r, v, `Enrolled ${e.agentId}`, e);
}

export async function rekeyAction(r: Req, v: WebViewer, _m: RegExpExecArray, form: URLSearchParams): Promise<void> {
  const id = form.get('agent') ?? '';
  const e = await rekey(r.o.db, id).catch((err: Error) => { throw new HttpError(404, err.message); });
  await audit(r.o.db, { actor: v.user.username, action: 'agent.rekey', target: id, detail: `customer ${e.customer}`, address: r.remote });
  snippetPage(r, v, `New key for ${e.agentId}`, e);
}

export async function revokeAction(r: Req, v: WebViewer, _m: RegExpExecArray, form: URLSearchParams): Promise<void> {
  const id = form.get('agent') ?? '';
  await revokeAgent(r.o.db, id).catch((err: Error) => { throw new HttpError(404, err.message); });
  await audit(r.o.db, { actor: v.user.username, action: 'agent.revoke', target: id, detail: null, address: r.remote });
  redirect(r.res, '/agents');
}
