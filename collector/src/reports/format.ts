/** Plain output for the CLI: aligned text tables and RFC 4180 CSV. */
export type Column<T> = { header: string; get: (row: T) => unknown };

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

// C0 controls, DEL, C1 controls (a lone 0x9b is CSI on some terminals), bidi embeddings, overrides and isolates.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CSV_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const visible = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Agent data (device names, locations, error texts) made inert for a terminal: every control
 * character and bidi override becomes a visible \uXXXX, so nothing from a printer can move the
 * cursor, ring the bell, recolour or retitle the terminal, or reorder what is shown.
 */
export function inert(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(CONTROLS, visible);
}

/** The same for text that keeps its line breaks (CSV cells, HTML): other controls and bidi overrides visible. */
export function visibleControls(s: string): string {
  return s.replace(CSV_CONTROLS, visible);
}

export function table<T>(rows: T[], cols: Column<T>[]): string {
  const cells = rows.map((r) => cols.map((c) => inert(text(c.get(r)))));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function csvField(v: unknown): string {
  // Line breaks stay (quoted); other controls become visible, as in tables.
  const s = visibleControls(text(v));
  // A leading = + - @ (also after spaces) would make a spreadsheet run a formula: prefix a quote (OWASP CSV injection).
  const safe = /^[\s]*[=+\-@]|^[\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csv<T>(rows: T[], cols: Column<T>[]): string {
  return [cols.map((c) => csvField(c.header)), ...rows.map((r) => cols.map((c) => csvField(c.get(r))))]
    .map((l) => l.join(',')).join('\r\n') + '\r\n';
}

/** Columns from record keys, for records already shaped for output. */
export function columnsOf<K extends string>(keys: readonly K[]): Column<Record<K, unknown>>[] {
  return keys.map((k) => ({ header: k, get: (r) => r[k] }));
}
