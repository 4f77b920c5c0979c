/**
 * Daily and monthly rollups, kept for ever: per device and counter the first and last
 * real read of each UTC day / month (value and time, so a bill over old periods still
 * rests on reads, never on invented numbers) and the number of reads; per supply the
 * day's lowest, highest and last level. Recomputed idempotently (upsert) over a range of
 * days, so late readings within the raw window are folded in on the next run.
 */
import type { Db } from '../db/types.js';

const DAY = 86_400_000;
export const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Rolls up raw data from `fromDay` (inclusive, YYYY-MM-DD) to `toDay` (exclusive). */
export async function rollup(db: Db, fromDay: string, toDay: string): Promise<{ days: number; months: number; supplies: number }> {
  const from = `${fromDay}T00:00:00.000Z`;
  const to = `${toDay}T00:00:00.000Z`;
  // SQLite needs a WHERE before ON CONFLICT in INSERT .. SELECT (parsing ambiguity); harmless in PostgreSQL.
  const days = await db.run(
    `INSERT INTO counter_daily (device_id, key, day, first_value, first_at, last_value, last_at, reads)
     SELECT * FROM (
       SELECT device_id, key, day, MAX(CASE WHEN rn_first = 1 THEN value END) AS first_value, MIN(read_at) AS first_at,
         MAX(CASE WHEN rn_last = 1 THEN value END) AS last_value, MAX(read_at) AS last_at, COUNT(*) AS reads
       FROM (SELECT device_id, key, value, read_at, SUBSTR(read_at, 1, 10) AS day,
               ROW_NUMBER() OVER (PARTITION BY device_id, key, SUBSTR(read_at, 1, 10) ORDER BY read_at, reading_id) AS rn_first,
               ROW_NUMBER() OVER (PARTITION BY device_id, key, SUBSTR(read_at, 1, 10) ORDER BY read_at DESC, reading_id DESC) AS rn_last
             FROM counters WHERE read_at >= ? AND read_at < ?) t
       GROUP BY device_id, key, day) x WHERE true
     ON CONFLICT (device_id, key, day) DO UPDATE SET first_value = excluded.first_value, first_at = excluded.first_at,
       last_value = excluded.last_value, last_at = excluded.last_at, reads = excluded.reads`, [from, to]);
  const months = await db.run(
    `INSERT INTO counter_monthly (device_id, key, month, first_value, first_at, last_value, last_at, reads)
     SELECT * FROM (
       SELECT device_id, key, month, MAX(CASE WHEN rn_first = 1 THEN first_value END) AS first_value, MIN(first_at) AS first_at,
         MAX(CASE WHEN rn_last = 1 THEN last_value END) AS last_value, MAX(last_at) AS last_at, SUM(reads) AS reads
       FROM (SELECT device_id, key, first_value, first_at, last_value, last_at, reads, SUBSTR(day, 1, 7) AS month,
               ROW_NUMBER() OVER (PARTITION BY device_id, key, SUBSTR(day, 1, 7) ORDER BY first_at) AS rn_first,
               ROW_NUMBER() OVER (PARTITION BY device_id, key, SUBSTR(day, 1, 7) ORDER BY last_at DESC) AS rn_last
             FROM counter_daily WHERE day >= ? AND day < ?) t
       GROUP BY device_id, key, month) x WHERE true
     ON CONFLICT (device_id, key, month) DO UPDATE SET first_value = excluded.first_value, first_at = excluded.first_at,
       last_value = excluded.last_value, last_at = excluded.last_at, reads = excluded.reads`,
    [`${fromDay.slice(0, 7)}-01`, `${nextMonth(toDay)}`]);
  const supplies = await db.run(
    `INSERT INTO supply_daily (device_id, idx, day, min_level, max_level, last_level)
     SELECT * FROM (
       SELECT device_id, idx, day, MIN(level_percent) AS min_level, MAX(level_percent) AS max_level, MAX(CASE WHEN rn_last = 1 THEN level_percent END) AS last_level
       FROM (SELECT device_id, idx, level_percent, SUBSTR(read_at, 1, 10) AS day,
               ROW_NUMBER() OVER (PARTITION BY device_id, idx, SUBSTR(read_at, 1, 10) ORDER BY read_at DESC) AS rn_last
             FROM supply_levels WHERE read_at >= ? AND read_at < ?) t
       GROUP BY device_id, idx, day) x WHERE true
     ON CONFLICT (device_id, idx, day) DO UPDATE SET min_level = excluded.min_level, max_level = excluded.max_level, last_level = excluded.last_level`, [from, to]);
  return { days: days.changes, months: months.changes, supplies: supplies.changes };
}

/** First day of the month after the one holding `d` (YYYY-MM-DD). */
function nextMonth(d: string): string {
  const t = new Date(`${d.slice(0, 7)}-01T00:00:00Z`);
  t.setUTCMonth(t.getUTCMonth() + 1);
  return t.toISOString().slice(0, 10);
}

export { DAY };
