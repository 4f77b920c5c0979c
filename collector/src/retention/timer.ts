/**
 * Retention and rollups run by `amr-collector serve` itself: every `checkMs` the collector tries to
 * claim the day's run (one UPDATE of maintenance_runs, so of several collectors on one PostgreSQL
 * exactly one wins per period) and, when it wins, rolls up and prunes (prune.ts) outside any request.
 * Off with `serve --no-retention` (then run `amr-collector retention` from cron).
 */
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import { DEFAULT_RAW_DAYS, retention } from './prune.js';

export interface RetentionTimerOptions {
  /** Raw readings kept this many days (default DEFAULT_RAW_DAYS). */
  rawDays?: number;
  /** How often a run is due (default 24 h). */
  everyMs?: number;
  /** How often to check whether one is due (default 10 min; the first check a minute after start). */
  checkMs?: number;
  firstCheckMs?: number;
}

const NAME = 'retention';

/** Claims the run if none started within `everyMs`; true when this caller won it. */
export async function claimRun(db: Db, everyMs: number, now = Date.now()): Promise<boolean> {
  await db.run('INSERT INTO maintenance_runs (name, started_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [NAME, new Date(0).toISOString()]);
  const r = await db.run('UPDATE maintenance_runs SET started_at = ?, finished_at = NULL, outcome = NULL WHERE name = ? AND started_at <= ?',
    [new Date(now).toISOString(), NAME, new Date(now - everyMs).toISOString()]);
  return r.changes === 1;
}

export function startRetentionTimer(db: Db, log: Logger, o: RetentionTimerOptions = {}): { stop(): Promise<void>; tick(): Promise<void> } {
  const everyMs = o.everyMs ?? 86_400_000;
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      if (!(await claimRun(db, everyMs))) return;
      const t = Date.now();
      const r = await retention(db, { rawDays: o.rawDays ?? DEFAULT_RAW_DAYS });
      const outcome = `rolled up ${r.rolledFrom ?? '-'}..${r.rolledTo}, deleted ${r.readings} readings older than ${r.cutoff.slice(0, 10)} (${r.protectedReadings} kept for closed bills)`;
      await db.run('UPDATE maintenance_runs SET finished_at = ?, outcome = ? WHERE name = ?', [new Date().toISOString(), outcome, NAME]);
      log('info', `retention: ${outcome} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } catch (err) {
      if (!stopped) log('error', `retention: ${(err as Error).message.split('\n')[0]} (tried again after the next period; amr-collector retention runs it by hand)`);
    }
  };
  const kick = () => {
    if (stopped || running) return running ?? Promise.resolve();
    running = run().finally(() => { running = null; });
    return running;
  };
  const first = setTimeout(() => void kick(), o.firstCheckMs ?? 60_000);
  const timer = setInterval(() => void kick(), o.checkMs ?? 600_000);
  first.unref();
  timer.unref();
  return {
    tick: kick,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      while (running) await running;
    },
  };
}
