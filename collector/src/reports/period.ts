export class PeriodError extends Error {}

export interface Period { from: string; to: string }

/** When a customer's billing month starts: day 1-28 of the month, midnight, in the customer's time zone. */
export interface BillingCalendar { billingDay: number; timeZone: string }
export const UTC_CALENDAR: BillingCalendar = { billingDay: 1, timeZone: 'UTC' };

const formats = new Map<string, Intl.DateTimeFormat>();
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(tz, f);
  }
  return f;
}

/** An IANA zone name the runtime knows (Europe/Oslo, America/New_York, UTC). */
export function validTimeZone(tz: string): boolean {
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of instant `t` in zone `tz`. */
function wall(tz: string, t: number): { y: number; m0: number; d: number; ms: number } {
  const p = Object.fromEntries(format(tz).formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
  return { y: p.year!, m0: p.month! - 1, d: p.day!, ms: Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) };
}
const offset = (tz: string, t: number) => wall(tz, t).ms - (t - (((t % 1000) + 1000) % 1000));

/** The instant of local midnight starting day d of month m0 (0-based, may overflow) in zone tz. */
export function localMidnight(y: number, m0: number, d: number, tz: string): number {
  const guess = Date.UTC(y, m0, d);
  const first = guess - offset(tz, guess);
  const second = guess - offset(tz, first);
  return second;
}

const LABEL = /^(\d{4})-(\d\d)$/;

/** The billing period named `YYYY-MM`: from the billing day of that month to the billing day of the next, local midnight. */
export function billingPeriod(label: string, cal: BillingCalendar = UTC_CALENDAR): Period {
  const m = LABEL.exec(label);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new PeriodError(`period "${label}" is not a month: use YYYY-MM, e.g. 2026-11`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return {
    from: new Date(localMidnight(y, mo, cal.billingDay, cal.timeZone)).toISOString(),
    to: new Date(localMidnight(y, mo + 1, cal.billingDay, cal.timeZone)).toISOString(),
  };
}

/** The label of the billing period that contains instant `t`. */
export function periodLabelAt(t: number, cal: BillingCalendar = UTC_CALENDAR): string {
  const w = wall(cal.timeZone, t);
  const start = new Date(Date.UTC(w.y, w.m0 - (w.d < cal.billingDay ? 1 : 0), 1));
  return start.toISOString().slice(0, 7);
}

/** The period before `label` (`2026-01` -> `2025-12`). */
export function previousLabel(label: string): string {
  const [y, m] = label.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** future: not begun; open: begun, not ended (figures provisional); ended. */
export type PeriodState = 'future' | 'open' | 'ended';
export function periodState(p: Period, now = new Date()): PeriodState {
  const t = now.getTime();
  if (Date.parse(p.from) > t) return 'future';
  return Date.parse(p.to) > t ? 'open' : 'ended';
}

function instant(s: string, what: string): string {
  const t = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\d/.test(s) || Number.isNaN(t)) throw new PeriodError(`${what} "${s}" is not a date: use YYYY-MM-DD or an ISO 8601 time`);
  return new Date(t).toISOString();
}

/** Nobody has read a counter in the future: such a period is refused, never estimated. */
export function refuseFuture(p: Period, now = new Date(), name = `${p.from} .. ${p.to}`): Period {
  if (periodState(p, now) === 'future') throw new PeriodError(`period ${name} has not begun (it starts ${p.from}); choose a period that has`);
  return p;
}

/**
 * A billing period: `--period 2026-11` (by the billing calendar, by default a UTC calendar
 * month) or `--from`/`--to` (dates or ISO times; `to` is the first instant after the period).
 * A period that has not begun is refused.
 */
export function parsePeriod(opts: { period?: string; from?: string; to?: string }, now = new Date(), cal: BillingCalendar = UTC_CALENDAR): Period {
  if (opts.period) return refuseFuture(billingPeriod(opts.period, cal), now, opts.period);
  if (opts.from || opts.to) {
    if (!opts.from || !opts.to) throw new PeriodError('give both --from and --to (or --period YYYY-MM)');
    const p = { from: instant(opts.from, '--from'), to: instant(opts.to, '--to') };
    if (p.from >= p.to) throw new PeriodError(`--from ${opts.from} is not before --to ${opts.to}`);
    return refuseFuture(p, now);
  }
  // Default: the previous period, the one usually being billed.
  return billingPeriod(previousLabel(periodLabelAt(now.getTime(), cal)), cal);
}
