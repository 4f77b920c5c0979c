import type { Db } from '../db/types.js';

/**
 * A device's history for the charts, from the stored readings: pages per day
 * and per month (mono and colour where the device counts them, else total) and
 * supply levels over time. Pages between two reads are counted on the day of
 * the later read (nothing is spread over days nobody read); a counter that went
 * down (reset, board swap) counts nothing for that day and is marked.
 */
export interface DayPages { day: string; mono: number | null; color: number | null; total: number | null; reset: boolean }
export interface MonthPages { month: string; mono: number | null; color: number | null; total: number | null }
export interface SupplySeries { key: string; label: string; color: string | null; points: { at: string; level: number }[] }
export interface RecentAlert { severity: string | null; description: string | null; code: string | null; firstSeen: string; lastSeen: string }

export interface DeviceHistory { /** The zone whose days `days` and `months` are (the customer's billing time zone). */ timeZone: string; split: boolean; days: DayPages[]; months: MonthPages[]; supplies: SupplySeries[]; alerts: RecentAlert[] }

const DAY = 86_400_000;

/** Charts end at the device's last read (a device silent for months still shows its history), at the latest now. */
export const historyEnd = (lastReadAt: string | null) => Math.min(Date.now(), lastReadAt ? Date.parse(lastReadAt) + DAY : Date.now());

/**
 * YYYY-MM-DD of an instant in a time zone (en-CA formats dates so). A year of raw reads is thousands of
 * instants: the zone's offset is looked up once per UTC day (at its start and at the next day's start);
 * where the two agree (every day but those of an offset change) the local day is the instant shifted by
 * it, else the instant is formatted in the zone.
 */
export function dayIn(timeZone: string): (iso: string) => string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const full = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offsets = new Map<number, number>();
  const offsetAt = (t: number): number => {
    let o = offsets.get(t);
    if (o === undefined) {
      const p = Object.fromEntries(full.formatToParts(t).map((x) => [x.type, x.value]));
      o = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - t;
      offsets.set(t, o);
    }
    return o;
  };
  return (iso) => {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return f.format(new Date(iso));
    const d0 = Math.floor(t / DAY) * DAY;
    const o = offsetAt(d0);
    return o === offsetAt(d0 + DAY) ? new Date(t + o).toISOString().slice(0, 10) : f.format(t);
  };
}

/**
 * Days are the customer's days: its billing time zone (`amr-collector customer set --time-zone`, UTC
 * unless set), so a chart's Monday is the printers' Monday and its months match the bills.
 */
export async function deviceHistory(db: Db, id: number, opts: { now?: number; days?: number; months?: number; supplyDays?: number; timeZone?: string } = {}): Promise<DeviceHistory> {
  const now = opts.now ?? Date.now();
  const since = new Date(now - (opts.months ?? 13) * 31 * DAY).toISOString();
  const tz = opts.timeZone ?? String((await db.get<{ tz: string | null }>(
    'SELECT c.time_zone AS tz FROM devices d JOIN customers c ON c.code = d.customer WHERE d.id = ?', [id]))?.tz ?? 'UTC');
  let localDay: (iso: string) => string;
  let timeZone = tz;
  try { localDay = dayIn(tz); } catch { localDay = dayIn('UTC'); timeZone = 'UTC'; }
  // One value per counter per local day (the day's highest; counters only grow between resets), grouped here: SQLite knows no time zones.
  const raw = await db.all<{ key: string; value: number; read_at: string }>(
    `SELECT key, value, read_at FROM counters WHERE device_id = ? AND key IN ('total', 'mono', 'color') AND read_at >= ? ORDER BY read_at`, [id, since]);
  const agg = new Map<string, { key: string; day: string; hi: number; lo: number }>();
  for (const r of raw) {
    const day = localDay(String(r.read_at));
    const k = `${String(r.key)} ${day}`;
    const v = Number(r.value);
    const a = agg.get(k);
    if (a) { a.hi = Math.max(a.hi, v); a.lo = Math.min(a.lo, v); } else agg.set(k, { key: String(r.key), day, hi: v, lo: v });
  }
  const rows = [...agg.values()].sort((a, b) => a.day.localeCompare(b.day));
  const byKey = new Map<string, { day: string; hi: number; lo: number }[]>();
  for (const r of rows) {
    const list = byKey.get(String(r.key)) ?? [];
    list.push({ day: String(r.day), hi: Number(r.hi), lo: Number(r.lo) });
    byKey.set(String(r.key), list);
  }
  const split = byKey.has('mono') && byKey.has('color');
  const perDay = new Map<string, DayPages>();
  const dayRow = (d: string) => {
    let r = perDay.get(d);
    if (!r) { r = { day: d, mono: null, color: null, total: null, reset: false }; perDay.set(d, r); }
    return r;
  };
  for (const key of split ? ['mono', 'color', 'total'] : ['total']) {
    const list = byKey.get(key) ?? [];
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      const r = dayRow(cur.day);
      const delta = cur.lo >= prev.hi ? cur.hi - prev.hi : null; // a drop inside or across days: a reset
      if (delta === null) r.reset = true;
      (r as unknown as Record<string, number | null>)[key] = delta ?? 0;
    }
  }
  const days = [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  const monthMap = new Map<string, MonthPages>();
  for (const d of days) {
    const m = d.day.slice(0, 7);
    const r = monthMap.get(m) ?? { month: m, mono: null, color: null, total: null };
    for (const k of ['mono', 'color', 'total'] as const) if (d[k] !== null) r[k] = (r[k] ?? 0) + d[k]!;
    monthMap.set(m, r);
  }
  const dayCut = localDay(new Date(now - (opts.days ?? 60) * DAY).toISOString());

  // Supply levels and alerts: the day's last reading, from the stored payloads.
  const supplySince = new Date(now - (opts.supplyDays ?? 90) * DAY).toISOString();
  const payloads = await db.all<{ read_at: string; payload: string }>(
    `SELECT read_at, payload FROM readings WHERE id IN (
       SELECT MAX(id) FROM readings WHERE device_id = ? AND ok = 1 AND read_at >= ? GROUP BY SUBSTR(read_at, 1, 10)) ORDER BY read_at`, [id, supplySince]);
  const series = new Map<string, SupplySeries>();
  const alerts = new Map<string, RecentAlert>();
  for (const p of payloads) {
    let raw: { supplies?: unknown[]; alerts?: unknown[] };
    try { raw = JSON.parse(String(p.payload)) as typeof raw; } catch { continue; }
    (raw.supplies ?? []).forEach((x, j) => {
      const sup = x as { index?: number; hrDeviceIndex?: number; description?: string; color?: string; levelPercent?: number | null; class?: string };
      if (typeof sup.levelPercent !== 'number') return;
      const key = typeof sup.index === 'number' ? `${sup.hrDeviceIndex ?? 1}.${sup.index}` : `#${j}:${sup.description ?? ''}`;
      const sr = series.get(key) ?? { key, label: String(sup.description ?? sup.color ?? key), color: typeof sup.color === 'string' ? sup.color : null, points: [] };
      sr.points.push({ at: String(p.read_at), level: sup.levelPercent });
      series.set(key, sr);
    });
    for (const x of raw.alerts ?? []) {
      const a = x as { severity?: string; description?: string; codeName?: string; code?: number };
      const k = `${a.severity ?? ''}|${a.code ?? ''}|${a.description ?? ''}`;
      const cur = alerts.get(k);
      if (cur) cur.lastSeen = String(p.read_at);
      else alerts.set(k, { severity: a.severity ?? null, description: a.description ?? null, code: a.codeName ?? (a.code === undefined ? null : String(a.code)), firstSeen: String(p.read_at), lastSeen: String(p.read_at) });
    }
  }
  return {
    timeZone,
    split,
    days: days.filter((d) => d.day >= dayCut),
    months: [...monthMap.values()],
    supplies: [...series.values()].slice(0, 16),
    alerts: [...alerts.values()].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen)).slice(0, 50),
  };
}
