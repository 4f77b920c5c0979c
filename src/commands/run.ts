/**
 * `amr run`: one scheduled cycle (src/schedule/run.ts). What the scheduled task starts.
 * Exit status: 0 all good, 3 some devices unreachable, 4 could not deliver (kept in
 * the spool), 5 another run was in progress (this one did nothing), 2 bad config.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../config/duration.js';
import { UserError } from '../errors.js';
import { inert } from '../inert.js';

interface RunOptions {
  config?: string;
  timeBudget?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerRun(program: Command): void {
  program.command('run')
    .description('One scheduled cycle: read the printers, send what changed, deliver the spool (exit 0 ok, 3 devices unreachable, 4 not delivered, 5 another run busy)')
    .option('-c, --config <file>', 'config.ini to use (default: $AMR_CONFIG, then the data folder)')
    .option('--time-budget <duration>', 'stop cleanly after this long (default: [schedule] time_budget)')
    .option('--json', 'print the run summary as JSON')
    .option('-q, --quiet', 'print nothing unless something went wrong')
    .action(async (opts: RunOptions) => {
      let config = loadConfig(opts.config, { requireFile: true });
      if (opts.timeBudget !== undefined) {
        const ms = parseDuration(opts.timeBudget);
        if (ms === null || ms < 1000) throw new UserError(`--time-budget "${opts.timeBudget}" is not a duration of 1s or more: use e.g. 10m`);
        config = { ...config, schedule: { ...config.schedule, time_budget: ms } };
      }
      // Ctrl-C or the scheduler stopping the task: finish cleanly (spool, state, lock), read the rest next time.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const { describeRun, runCycle } = await import('../schedule/run.js');
        const report = await runCycle(config, { signal: stop.signal });
        if (opts.json) {
          const { readings, sends, delivery, ...rest } = report;
          process.stdout.write(JSON.stringify({
            ...rest,
            delivery: delivery ? { ...delivery, quarantinedReadings: delivery.quarantinedReadings.length } : null,
            read: readings.filter((r) => r.ok).length,
            sends: sends.map((s) => ({ key: s.key, host: s.reading.host, reason: s.reason, reasons: s.reasons })),
          }, null, 2) + '\n');
        } else if (!opts.quiet || report.exitCode !== 0) {
          const stream = report.exitCode === 0 || report.exitCode === 3 ? process.stdout : process.stderr;
          for (const line of describeRun(report)) stream.write(`amr run: ${inert(line)}\n`);
        }
        process.exitCode = report.exitCode;
        // A device read cut at the time budget may still hold a socket: it must not hold the task too.
        setTimeout(() => process.exit(), 2000).unref();
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
