/** How values look to a viewer: times in their time zone, numbers with thousands separators, states with words and symbols. */

export function validTimeZone(tz: string | null | undefined): string | null {
  if (!tz || tz.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const fmts = new Map<string, Intl.DateTimeFormat>();
/** "2025-04-10 08:00" in the viewer's zone (ISO order: unambiguous in every country). */
export function fmtTime(iso: string | null | undefined, tz: string): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fmts.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
export const fmtNum = (n: number | null | undefined): string => (n === null || n === undefined ? '' : nf.format(n));

/** How bad a state is. Unknown (no answer about it yet) is never shown as worse than a warning. */
export type Level = 'ok' | 'unknown' | 'warning' | 'error';
export const LEVEL_ORDER: Level[] = ['ok', 'unknown', 'warning', 'error'];
const SYMBOL: Record<Level, string> = { ok: '✓', unknown: '?', warning: '!', error: '✗' };

export function statusLevel(status: string | null | undefined): Level {
  switch (status) {
    case 'running': case 'idle': case 'ok': return 'ok';
    case 'warning': case 'testing': case 'low': case 'almostFull': return 'warning';
    case 'down': case 'unreachable': case 'empty': case 'full': case 'critical': return 'error';
    default: return 'unknown';
  }
}

/** The SQL that gives a device's status word (the same rule as reports/fleet.ts deviceStatus). */
export const STATUS_SQL = `CASE WHEN d.last_error_at IS NOT NULL AND (d.last_read_at IS NULL OR d.last_error_at > d.last_read_at) THEN 'unreachable'
  ELSE COALESCE(d.device_status, 'unknown') END`;
export const LEVEL_STATUSES: Record<Level, string[]> = {
  ok: ['running', 'idle'], warning: ['warning', 'testing'], error: ['down', 'unreachable'], unknown: [],
};

export const symbol = (l: Level) => SYMBOL[l];
