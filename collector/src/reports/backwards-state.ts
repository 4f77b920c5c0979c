/**
 * Counters that went backwards, kept at ingest (counter_backwards: one row per pair of consecutive
 * reads of a device's counter, in (read_at, reading_id) order, whose later value is lower), so the
 * report is an index range scan at any fleet size instead of a window over every counter of the
 * last 92 days. For each counter a message touched, the reads from the last one before its earliest
 * new read to the first one after its newest new read are read back (usually the one before plus
 * the new ones; more when readings arrive late, between stored ones) and the pairs among them replace
 * the stored pairs of that span. A merge of devices recomputes the surviving device whole.
 */
import type { Queryable } from '../db/types.js';
import { inList } from '../db/sql.js';

interface Span { device: number; key: string; from: string; to: string }
type Read = { device_id: number; key: string; value: number; read_at: string; reading_id: number };

/** The pairs going backwards among reads of one counter, in order. Pure. */
export function backwardsPairs(reads: Read[]): unknown[][] {
  const s = [...reads].sort((a, b) => (a.read_at < b.read_at ? -1 : a.read_at > b.read_at ? 1 : Number(a.reading_id) - Number(b.reading_id)));
  const out: unknown[][] = [];
  for (let i = 1; i < s.length; i++) {
    const p = s[i - 1]!;
    const r = s[i]!;
    if (Number(p.value) > Number(r.value)) out.push([Number(r.device_id), r.key, r.read_at, Number(r.reading_id), Number(r.value), Number(p.value), p.read_at]);
  }
  return out;
}

async function store(q: Queryable, spans: { device: number; key: string; lo: string | null; hi: string | null }[], reads: Read[]): Promise<void> {
  const byKey = new Map<string, Read[]>();
  for (const r of reads) {
    const k = `${Number(r.device_id)}\u0000${r.key}`;
    const l = byKey.get(k) ?? [];
    l.push(r);
    byKey.set(k, l);
  }
  // The stored pairs whose later read lies after the span's first read (that read's own pair is outside the span).
  for (let i = 0; i < spans.length; i += 100) {
    const c = spans.slice(i, i + 100);
    await q.run(`DELETE FROM counter_backwards WHERE ${c.map((s) => `(device_id = ? AND key = ?${s.lo ? ' AND read_at > ?' : ''}${s.hi ? ' AND read_at <= ?' : ''})`).join(' OR ')}`,
      c.flatMap((s) => [s.device, s.key, ...(s.lo ? [s.lo] : []), ...(s.hi ? [s.hi] : [])]));
  }
  const rows = spans.flatMap((s) => backwardsPairs(byKey.get(`${s.device}\u0000${s.key}`) ?? []));
  for (let i = 0; i < rows.length; i += 200) {
    const c = rows.slice(i, i + 200);
    await q.run(`INSERT INTO counter_backwards (device_id, key, read_at, reading_id, value, prev_value, prev_read_at) VALUES ${c.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
      ON CONFLICT (device_id, key, read_at, reading_id) DO UPDATE SET value = excluded.value, prev_value = excluded.prev_value, prev_read_at = excluded.prev_read_at`, c.flat());
  }
}

/** Refreshes the pairs around the new reads of some counters (`from`..`to`: the earliest and newest new read of each). */
export async function refreshBackwards(q: Queryable, spans: Span[]): Promise<void> {
  for (let i = 0; i < spans.length; i += 100) {
    const c = spans.slice(i, i + 100);
    // The read before each span and the one after it: two index probes per counter (device, key, time).
    const probe = (cmp: string, order: string) => `(SELECT MIN(x.read_at) FROM (SELECT c.read_at FROM counters c WHERE c.device_id = ? AND c.key = ? AND c.read_at ${cmp} ? ORDER BY c.read_at ${order} LIMIT 1) x)`;
    const edges = await q.all<{ i: number; lo: string | null; hi: string | null }>(c.map(() => `SELECT CAST(? AS INTEGER) AS i, ${probe('<', 'DESC')} AS lo, ${probe('>', 'ASC')} AS hi`).join(' UNION ALL '),
      c.flatMap((s, j) => [j, s.device, s.key, s.from, s.device, s.key, s.to]));
    const bounds = c.map((s, j) => {
      const e = edges.find((x) => Number(x.i) === j);
      return { device: s.device, key: s.key, lo: e?.lo ?? null, hi: e?.hi ?? null, from: s.from, to: s.to };
    });
    const reads = await q.all<Read>(`SELECT device_id, key, value, read_at, reading_id FROM counters WHERE ${bounds.map(() => '(device_id = ? AND key = ? AND read_at >= ? AND read_at <= ?)').join(' OR ')}`,
      bounds.flatMap((b) => [b.device, b.key, b.lo ?? b.from, b.hi ?? b.to]));
    await store(q, bounds.map((b) => ({ device: b.device, key: b.key, lo: b.lo, hi: b.hi })), reads);
  }
}

/** Recomputes every counter of some devices (after a merge moved another device's reads into them). */
export async function recomputeBackwards(q: Queryable, devices: number[]): Promise<void> {
  if (!devices.length) return;
  await q.run(`DELETE FROM counter_backwards WHERE device_id IN (${inList(devices.length)})`, devices);
  const reads = await q.all<Read>(`SELECT device_id, key, value, read_at, reading_id FROM counters WHERE device_id IN (${inList(devices.length)})`, devices);
  const keys = [...new Set(reads.map((r) => `${Number(r.device_id)}\u0000${r.key}`))].map((k) => { const [d, key] = k.split('\u0000'); return { device: Number(d), key: key!, lo: null, hi: null }; });
  await store(q, keys, reads);
}
