/**
 * `amr status`: what an unattended agent is doing, without touching the network: the
 * last run and its result, when the next is due, the spool (size, oldest message),
 * the last delivery, the quarantine, the inventory. `--json` for tools.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { formatDuration } from '../config/duration.js';
import { inventoryPath, loadInventory } from '../discover/inventory.js';
import { errorMessage } from '../errors.js';
import { inert } from '../inert.js';
import { logPath } from '../schedule/agent-log.js';
import { readRunRecords } from '../schedule/run-log.js';
import { journalDir, readJournal } from '../transport/journal.js';
import { Spool, spoolDir } from '../transport/spool.js';

export interface AgentStatusView {
  dataDir: string;
  lastRun: { startedAt: string; finishedAt: string; outcome: string; exitCode: number; read: number; devices: number; delivered: number | null; notes: string[] } | null;
  nextRunDue: string | null;
  spool: { messages: number; bytes: number; oldest: string | null };
  quarantine: number;
  lastDelivery: { time: string; channel: string; server: string | null } | null;
  inventory: { devices: number; missing: number; updated: string | null; problem: string | null };
  log: string;
}

export function statusOf(dataDir: string, everyMs: number): AgentStatusView {
  const [last] = readRunRecords(dataDir, 1);
  const spool = new Spool(spoolDir(dataDir));
  const entries = spool.list();
  const delivered = readJournal(journalDir(dataDir), {}, 0).filter((e) => (e.result === 'ok' || e.result === 'duplicate') && e.channel !== 'spool').at(-1);
  let inventory: AgentStatusView['inventory'];
  try {
    const inv = loadInventory(inventoryPath(dataDir));
    inventory = { devices: inv.devices.length, missing: inv.devices.filter((d) => d.status === 'missing').length, updated: inv.updated, problem: null };
  } catch (e) {
    inventory = { devices: 0, missing: 0, updated: null, problem: errorMessage(e) };
  }
  return {
    dataDir,
    lastRun: last ? {
      startedAt: last.startedAt, finishedAt: last.finishedAt, outcome: last.outcome, exitCode: last.exitCode,
      read: last.read, devices: last.devices, delivered: last.delivered, notes: last.notes,
    } : null,
    nextRunDue: last ? new Date(Date.parse(last.startedAt) + everyMs).toISOString() : null,
    spool: {
      messages: entries.length,
      bytes: entries.reduce((n, e) => n + e.bytes, 0),
      oldest: entries.reduce<string | null>((o, e) => (o === null || e.message.createdAt < o ? e.message.createdAt : o), null),
    },
    quarantine: spool.quarantined().length,
    lastDelivery: delivered ? { time: delivered.time, channel: delivered.channel, server: delivered.server } : null,
    inventory,
    log: logPath(dataDir),
  };
}

const ago = (iso: string, now: number) => {
  const ms = now - Date.parse(iso);
  return ms >= 0 ? `${formatDuration(Math.max(60_000, Math.round(ms / 60_000) * 60_000))} ago` : `in ${formatDuration(Math.max(60_000, Math.round(-ms / 60_000) * 60_000))}`;
};

export function describeStatus(s: AgentStatusView, now = Date.now()): string[] {
  const r = s.lastRun;
  const lines = [
    `data folder: ${s.dataDir}`,
    r ? `last run:    ${r.finishedAt} (${ago(r.finishedAt, now)}): ${r.outcome}, exit ${r.exitCode}; read ${r.read} of ${r.devices} device(s), delivered ${r.delivered ?? 0} message(s)`
      : 'last run:    never (the scheduled task has not run amr run yet: amr task status)',
    ...(r?.notes ?? []).map((n) => `             ${n}`),
    `next run:    ${s.nextRunDue ? `${s.nextRunDue} (${ago(s.nextRunDue, now)}) if the scheduled task is installed` : 'when the scheduled task first runs'}`,
    `spool:       ${s.spool.messages} message(s), ${s.spool.bytes} bytes${s.spool.oldest ? `, oldest from ${s.spool.oldest} (${ago(s.spool.oldest, now)})` : ''}`,
    `last delivery: ${s.lastDelivery ? `${s.lastDelivery.time} (${ago(s.lastDelivery.time, now)}) over ${s.lastDelivery.channel} to ${s.lastDelivery.server ?? '?'}` : 'none yet'}`,
    `quarantine:  ${s.quarantine ? `${s.quarantine} message(s) refused by the collector or unreadable: amr monitor --result quarantined` : 'empty'}`,
    `inventory:   ${s.inventory.problem ?? `${s.inventory.devices} device(s)${s.inventory.missing ? `, ${s.inventory.missing} missing` : ''}${s.inventory.updated ? `, discovered ${s.inventory.updated}` : ', never discovered'}`}`,
    `log:         ${s.log}`,
  ];
  return lines.map(inert);
}

export function registerStatus(program: Command): void {
  program.command('status')
    .description('Show the last run and its result, the next run, the spool, the last delivery, the quarantine and the inventory (no network)')
    .option('-c, --config <file>', 'config.ini to use')
    .option('--json', 'print as JSON')
    .action((opts: { config?: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const dataDir = config.agent.data_dir;
      const st = statSync(dataDir, { throwIfNoEntry: false });
      const s = statusOf(dataDir, config.schedule.every);
      if (opts.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      else {
        if (!st) process.stdout.write(`(the data folder does not exist yet: nothing has run with this config)\n`);
        for (const line of describeStatus(s)) process.stdout.write(line + '\n');
      }
    });
}
