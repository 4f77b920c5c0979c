import { visibleControls } from '../reports/format.js';

/** Tiny HTML helpers: everything from the database is escaped on the way out. */
export function esc(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  return visibleControls(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface HtmlColumn<T> { header: string; get: (row: T) => unknown; cls?: (row: T) => string | undefined }

export function htmlTable<T>(id: string, rows: T[], cols: HtmlColumn<T>[], empty: string): string {
  if (rows.length === 0) return `<p class="empty" id="${esc(id)}">${esc(empty)}</p>`;
  const head = cols.map((c) => `<th>${esc(c.header)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((c) => {
    const cls = c.cls?.(r);
    return `<td${cls ? ` class="${esc(cls)}"` : ''}>${esc(c.get(r))}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<table id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function page(title: string, active: string, body: string): string {
  const nav = [['./', 'Fleet'], ['./meters', 'Meter reads'], ['./supplies', 'Supplies & alerts']]
    .map(([href, label]) => `<a href="${href}"${label === active ? ' class="active"' : ''}>${label}</a>`).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · amr collector</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
nav a{margin-right:1rem}nav a.active{font-weight:bold;text-decoration:none;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}th{background:#f3f3f3}
td.estimated{background:#fff4cc;font-style:italic}td.bad{background:#ffd7d7}td.warn{background:#fff0c0}
.empty{color:#777}form{margin:.5rem 0}
</style></head><body>
<nav>${nav}</nav>
<h1>${esc(title)}</h1>
${body}
</body></html>`;
}
