/** Plain output for the CLI: aligned text tables and RFC 4180 CSV. */
export type Column<T> = { header: string; get: (row: T) => unknown };

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

export function table<T>(rows: T[], cols: Column<T>[]): string {
  const cells = rows.map((r) => cols.map((c) => text(c.get(r)).replace(/[\r\n\t]+/g, ' ')));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function csvField(v: unknown): string {
  const s = text(v);
  // A leading = + - @ would make a spreadsheet run a formula: prefix a quote (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
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
