export class PeriodError extends Error {}

export interface Period { from: string; to: string }

function instant(s: string, what: string): string {
  const t = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\d/.test(s) || Number.isNaN(t)) throw new PeriodError(`${what} "${s}" is not a date: use YYYY-MM-DD or an ISO 8601 time`);
  return new Date(t).toISOString();
}

/**
 * A billing period: `--period 2026-11` (a calendar month, UTC) or `--from`/`--to`
 * (dates or ISO times; `to` is the first instant after the period).
 */
export function parsePeriod(opts: { period?: string; from?: string; to?: string }, now = new Date()): Period {
  if (opts.period) {
    const m = /^(\d{4})-(\d\d)$/.exec(opts.period);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new PeriodError(`period "${opts.period}" is not a month: use YYYY-MM, e.g. 2026-11`);
    const y = Number(m[1]);
    const mo = Number(m[2]) - 1;
    return { from: new Date(Date.UTC(y, mo, 1)).toISOString(), to: new Date(Date.UTC(y, mo + 1, 1)).toISOString() };
  }
  if (opts.from || opts.to) {
    if (!opts.from || !opts.to) throw new PeriodError('give both --from and --to (or --period YYYY-MM)');
    const p = { from: instant(opts.from, '--from'), to: instant(opts.to, '--to') };
    if (p.from >= p.to) throw new PeriodError(`--from ${opts.from} is not before --to ${opts.to}`);
    return p;
  }
  // Default: the previous calendar month, the one usually being billed.
  return parsePeriod({ period: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7) });
}
