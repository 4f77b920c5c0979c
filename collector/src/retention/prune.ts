/**
 * Retention: raw readings (and their counters and supply levels) older than the window
 * are deleted after the days they cover are rolled up; rollups stay for ever. The reads a
 * closed bill rests on are never deleted (BILLING_REFERENCES).
 */
import type { Db } from '../db/types.js';
import { day, DAY, rollup } from './rollup.js';

/**
 * What pins a raw reading: a closed bill's line (bill_lines, collector/src/billing) whose start
 * or end read it is. Missing tables are skipped (a database from before billing).
 */
export const BILLING_REFERENCES: { table: string; pin: string }[] = [
  { table: 'bill_lines', pin: 'EXISTS (SELECT 1 FROM bill_lines b WHERE b.device_id = readings.device_id AND (b.start_at = readings.read_at OR b.end_at = readings.read_at))' },
];

export const DEFAULT_RAW_DAYS = 400;
/** Days re-rolled on every run, so readings that arrive late are counted. */
const REROLL_DAYS = 14;

export interface RetentionReport { cutoff: string; rolledFrom: string | null; rolledTo: string; readings: number; counters: number; supplyLevels: number; messages: number; protectedReadings: number; dryRun: boolean }

async function tableExists(db: Db, table: string): Promise<boolean> {
  const row = db.dialect === 'sqlite'
    ? await db.get("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [table])
    : await db.get('SELECT to_regclass(?) AS name', [table]).then((r) => (r && r.name ? r : undefined));
  return !!row;
}

export async function retention(db: Db, opts: { rawDays?: number; now?: Date; dryRun?: boolean; batch?: number } = {}): Promise<RetentionReport> {
  const rawDays = opts.rawDays ?? DEFAULT_RAW_DAYS;
  if (!Number.isInteger(rawDays) || rawDays < 1) throw new RangeError('raw retention must be a whole number of days >= 1');
  const now = (opts.now ?? new Date()).getTime();
  const cutoffDay = day(now - rawDays * DAY);
  const cutoff = `${cutoffDay}T00:00:00.000Z`;
  // Roll up everything not rolled yet (and the last REROLL_DAYS again) before anything is deleted.
  const lastRolled = await db.get<{ d: string | null }>('SELECT MAX(day) AS d FROM counter_daily');
  const oldestRaw = await db.get<{ t: string | null }>('SELECT MIN(read_at) AS t FROM counters');
  const oldestDay = oldestRaw?.t ? oldestRaw.t.slice(0, 10) : null;
  const rerollFrom = lastRolled?.d ? day(Date.parse(`${lastRolled.d}T00:00:00Z`) - REROLL_DAYS * DAY) : null;
  const rolledFrom = !oldestDay ? null : rerollFrom && rerollFrom > oldestDay ? rerollFrom : oldestDay;
  const rolledTo = day(now + DAY);
  if (rolledFrom && !opts.dryRun) {
    // Month by month keeps each statement's working set small on a large database.
    for (let d = rolledFrom; d < rolledTo;) {
      const t = new Date(`${d.slice(0, 7)}-01T00:00:00Z`);
      t.setUTCMonth(t.getUTCMonth() + 1);
      const end = t.toISOString().slice(0, 10) < rolledTo ? t.toISOString().slice(0, 10) : rolledTo;
      await rollup(db, d, end);
      d = end;
    }
  }

  const pins: string[] = [];
  for (const r of BILLING_REFERENCES) if (await tableExists(db, r.table)) pins.push(r.pin);
  const notPinned = pins.map((p) => ` AND NOT ${p}`).join('');
  const report: RetentionReport = { cutoff, rolledFrom, rolledTo, readings: 0, counters: 0, supplyLevels: 0, messages: 0, protectedReadings: 0, dryRun: !!opts.dryRun };
  if (pins.length) report.protectedReadings = Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM readings WHERE read_at < ? AND (${pins.join(' OR ')})`, [cutoff]))?.n ?? 0);
  if (opts.dryRun) {
    report.readings = Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM readings WHERE read_at < ?${notPinned}`, [cutoff]))?.n ?? 0);
    report.supplyLevels = Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM supply_levels WHERE read_at < ?', [cutoff]))?.n ?? 0);
    return report;
  }
  const batch = opts.batch ?? 5000;
  // Small transactions: the collector keeps ingesting meanwhile.
  for (;;) {
    const ids = (await db.all<{ id: number }>(`SELECT id FROM readings WHERE read_at < ?${notPinned} ORDER BY read_at LIMIT ${batch}`, [cutoff])).map((r) => Number(r.id));
    if (!ids.length) break;
    const list = ids.join(', ');
    await db.tx(async (q) => {
      report.counters += (await q.run(`DELETE FROM counters WHERE reading_id IN (${list})`)).changes;
      report.readings += (await q.run(`DELETE FROM readings WHERE id IN (${list})`)).changes;
    });
    if (ids.length < batch) break;
  }
  report.supplyLevels = (await db.run('DELETE FROM supply_levels WHERE read_at < ?', [cutoff])).changes;
  // Pairs whose later read is gone go with it (the report lists pairs of reads that are kept).
  await db.run('DELETE FROM counter_backwards WHERE read_at < ?', [cutoff]);
  // A message whose readings are all gone is no longer needed for deduplication (agents resend within days, not the window).
  report.messages = (await db.run(`DELETE FROM messages WHERE received_at < ? AND message_id NOT IN (SELECT message_id FROM readings WHERE read_at < ?)`,
    [cutoff, new Date(Date.parse(cutoff) + 2 * DAY).toISOString()])).changes;
  return report;
}
