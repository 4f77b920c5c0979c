import type { Viewer } from '../auth/viewer.js';
import { can } from '../auth/viewer.js';
import { statusLevel, symbol, type Level } from './format.js';
import { visibleControls } from '../reports/format.js';

/**
 * HTML helpers: everything that did not come from this file is escaped on the way
 * out. Agent data is hostile: besides markup, control characters and bidi
 * overrides are shown as visible \uXXXX (as in the CLI and CSV), so a device name cannot
 * reorder or hide a page's text.
 */
export function esc(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  return visibleControls(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Markup built here from escaped parts; a cell given Html is inserted as is. */
export class Html {
  constructor(readonly html: string) {}
  toString(): string { return this.html; }
}
export const raw = (s: string) => new Html(s);
const cell = (v: unknown) => (v instanceof Html ? v.html : esc(v));

export interface HtmlColumn<T> { header: string; get: (row: T) => unknown; cls?: (row: T) => string | undefined; num?: boolean }

export function htmlTable<T>(id: string, rows: T[], cols: HtmlColumn<T>[], empty: string): string {
  if (rows.length === 0) return `<p class="empty" id="${esc(id)}">${esc(empty)}</p>`;
  const head = cols.map((c) => `<th scope="col"${c.num ? ' class="num"' : ''}>${esc(c.header)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((c) => {
    const cls = [c.num ? 'num' : '', c.cls?.(r) ?? ''].filter(Boolean).join(' ');
    return `<td${cls ? ` class="${esc(cls)}"` : ''}>${cell(c.get(r))}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<table id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A state in words with a symbol and a colour: readable without the colour. */
export function badge(status: string | null | undefined, level: Level = statusLevel(status)): Html {
  return raw(`<span class="st st-${level}" title="${level}"><span aria-hidden="true">${symbol(level)}</span> ${esc(status ?? 'unknown')}</span>`);
}

export const csrfField = (v: Viewer & { csrf?: string }) => `<input type="hidden" name="_csrf" value="${esc(v.csrf ?? '')}">`;

/** A one-button form that POSTs (with the CSRF token) to `action`. */
export function postButton(v: Viewer & { csrf?: string }, action: string, label: string, fields: Record<string, string> = {}, cls = ''): string {
  const hidden = Object.entries(fields).map(([k, val]) => `<input type="hidden" name="${esc(k)}" value="${esc(val)}">`).join('');
  return `<form method="post" action="${esc(action)}" class="inline">${csrfField(v)}${hidden}<button type="submit"${cls ? ` class="${esc(cls)}"` : ''}>${esc(label)}</button></form>`;
}

export type PageViewer = Viewer & { csrf?: string };

export function page(v: PageViewer | null, title: string, body: string, opts: { active?: string } = {}): string {
  const links: [string, string, boolean][] = v ? [
    ['/', 'Fleet', true], ['/agents', 'Agents', true], ['/alerts', 'Alerts', true], ['/notifications', 'Notifications', true], ['/supplies', 'Supplies', true],
    ['/billing', 'Billing', true], ['/users', 'Users', can(v, 'manage-users')], ['/audit', 'Audit log', can(v, 'view-audit')],
  ] : [];
  const nav = links.filter(([, , ok]) => ok)
    .map(([href, label]) => `<a href="${href}"${label === (opts.active ?? title) ? ' class="active" aria-current="page"' : ''}>${label}</a>`).join(' ');
  const who = v ? `<div class="who"><a href="/account" id="me">${esc(v.user.username)}</a> (${esc(v.user.role)}${v.user.customer ? ` · ${esc(v.user.customer)}` : ''})
    <form method="post" action="/logout" class="inline">${csrfField(v)}<button type="submit" id="logout">Log out</button></form></div>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · amr collector</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/console.js" defer></script>
</head><body>
<header>${nav ? `<nav>${nav}</nav>` : ''}${who}</header>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
${v ? `<footer>Times in ${esc(v.tz)}.</footer>` : ''}
</body></html>`;
}
