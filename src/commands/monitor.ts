/** `amr monitor`: show the communication journal (last N, --follow, filters, colour). */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../config/duration.js';
import { JOURNAL_FILE, journalDir, matches, parseLines, readJournal, type JournalEntry, type JournalFilter } from '../transport/journal.js';
import { colorFor } from '../color.js';
import { inert, inertJson } from '../inert.js';

interface Opts { config?: string; lines: string; follow?: boolean; channel?: string; result?: string; server?: string; message?: string; errors?: boolean; since?: string; json?: boolean }

export function registerMonitor(program: Command): void {
  program.command('monitor')
    .description('Show every communication attempt from the journal: time, channel, server, proxy, messages, bytes, result, latency, error')
    .option('-c, --config <file>', 'config.ini to use (for the data folder)')
    .option('-n, --lines <n>', 'how many recent entries to show (0: all)', '20')
    .option('-f, --follow', 'keep showing new entries as they happen (Ctrl+C to stop)')
    .option('--channel <name>', 'only https, http, tcp, udp or spool')
    .option('--result <name>', 'only ok, duplicate, error, spooled, dropped, quarantined or deferred')
    .option('--server <text>', 'only servers containing this text')
    .option('--message <id>', 'only this message id (a prefix is enough)')
    .option('--errors', 'only failures')
    .option('--since <duration>', 'only the last duration, e.g. 2h or 7d')
    .option('--json', 'print the raw JSON lines')
    .action(async (opts: Opts) => {
      const config = loadConfig(opts.config);
      const dir = journalDir(config.agent.data_dir!);
      const last = Number(opts.lines);
      if (!Number.isInteger(last) || last < 0) throw new UserError(`--lines ${opts.lines} is not valid: expected a whole number (0 for all)`);
      const filter: JournalFilter = { channel: opts.channel, result: opts.result, server: opts.server, messageId: opts.message, errorsOnly: opts.errors };
      if (opts.since) {
        const ms = parseDuration(opts.since);
        if (ms === null) throw new UserError(`--since ${opts.since} is not valid: expected a duration such as 30m, 2h or 7d`);
        filter.since = new Date(Date.now() - ms);
      }
      const print = (e: JournalEntry) => process.stdout.write(opts.json ? inertJson(JSON.stringify(e)) + '\n' : formatEntry(e) + '\n');
      const entries = readJournal(dir, filter, last);
      if (entries.length === 0 && !opts.follow) process.stderr.write(existsSync(dir) ? 'no matching journal entries\n' : `no journal yet in ${dir} (nothing was sent from this data folder)\n`);
      entries.forEach(print);
      if (opts.follow) await follow(join(dir, JOURNAL_FILE), filter, print);
    });
}

export function formatEntry(e: JournalEntry, c = colorFor(process.stdout)): string {
  const color = e.result === 'ok' || e.result === 'duplicate' ? c.green : e.result === 'error' || e.result === 'quarantined' || e.result === 'dropped' ? c.red : c.cyan;
  const time = e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const ids = e.messageIds.map((id) => id.slice(0, 8)).join(',');
  const parts = [
    c.dim(time), e.channel.padEnd(5), color(e.result.padEnd(11)),
    inert(e.server ?? '-'), e.proxy ? `via ${inert(e.proxy)}` : '', inert(e.type ?? ''), ids ? `msg ${inert(ids)}` : '',
    e.bytes ? `${e.bytes} B` : '', e.latencyMs !== null ? `${e.latencyMs} ms` : '', e.status ? `HTTP ${e.status}` : '',
  ].filter(Boolean);
  // A collector's or proxy's text is shown, never obeyed: control characters become visible escapes.
  return parts.join('  ') + (e.error ? `\n    ${color(inert(e.error))}` : '');
}

/** Poll the journal file for appended lines; a shrinking file means it rotated. */
function follow(path: string, filter: JournalFilter, print: (e: JournalEntry) => void): Promise<void> {
  let offset = existsSync(path) ? statSync(path).size : 0;
  let partial = '';
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!existsSync(path)) return;
      const size = statSync(path).size;
      if (size < offset) offset = 0;
      if (size === offset) return;
      const fd = openSync(path, 'r');
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      closeSync(fd);
      offset = size;
      const text = partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      partial = text.slice(cut + 1);
      for (const e of parseLines(text.slice(0, cut + 1))) if (matches(e, filter)) print(e);
    }, 300);
    const stop = () => { clearInterval(timer); resolve(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
