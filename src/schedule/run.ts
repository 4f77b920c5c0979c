/**
 * One scheduled cycle of `amr run`: lock, rediscover when due (else the known
 * inventory), read every device with bounded concurrency inside the time budget,
 * decide what to send, spool it, remember what was sent, flush the spool, record
 * the run. Exit status (RUN_EXIT): 0 all good, 3 some devices unreachable, 4 could
 * not deliver (messages stay spooled for the next run), 5 another run holds the lock.
 */
import type { Config } from '../config/types.js';
import { redactText, secretsOf } from '../config/redact.js';
import { errorMessage, UserError } from '../errors.js';
import { inventoryPath, loadInventory, type Inventory } from '../discover/inventory.js';
import { runDiscover } from '../discover/run.js';
import { readDevices } from '../pipeline/read-many.js';
import { readSettingsFrom } from '../pipeline/options.js';
import { emptyReading, type Reading } from '../reading/types.js';
import { loadProfiles, type Profile } from '../profiles/index.js';
import { credentialsFor, rememberedFirst, type CredentialRef } from '../snmp/credentials.js';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { describeWriteError, isDiskError, requireWritableDir } from '../durable-file.js';
import { flushSpool, openTransport, spoolMessage, type FlushOptions, type FlushSummary } from '../transport/index.js';
import { spoolDir, type Spool } from '../transport/spool.js';
import type { AgentStatus, WireReading } from '@amr/protocol';
import { requireSendable } from '../transport/deliver.js';
import type { MessageType } from '@amr/protocol';
import { decide, SEND_REASONS, type Send, type SendReason, type SendState } from './decide.js';
import { acquireRunLock } from './lock.js';
import { appendRunRecord, readRunRecords, type RunRecord } from './run-log.js';
import { openAgentLog } from './agent-log.js';
import { loadState, saveState } from './state.js';
import { logRunToEventLog } from '../platform/eventlog.js';

export const RUN_EXIT = { ok: 0, refused: 2, unreachable: 3, undelivered: 4, busy: 5 } as const;

export interface RunDeps {
  now?: () => number;
  /** Read one device; default: the standard read with profiles and web pages (read-many). */
  readHost?: (host: string) => Promise<Reading>;
  /** Rediscover into the inventory; default: runDiscover with [discovery] settings. */
  discover?: (config: Config, signal: AbortSignal, targets: readonly string[]) => Promise<string | null | void>;
  /** Extra flush options (tests shorten UDP waits). */
  flush?: Partial<FlushOptions>;
  /** Aborting stops the run like a spent budget: no new reads, then spool and flush. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface RunReport {
  exitCode: number;
  /** refused: the collector refuses this agent for a reason config.ini can fix (exit 2). */
  outcome: 'ok' | 'unreachable' | 'undelivered' | 'busy' | 'refused';
  rediscovered: boolean;
  /** Devices this run meant to read. */
  hosts: string[];
  readings: Reading[];
  unreachable: string[];
  /** Hosts left for the next run (budget spent or stopped). */
  unread: string[];
  sends: Send[];
  messages: number;
  delivery: FlushSummary | null;
  notes: string[];
}

/** Part of the budget kept for spooling and delivery: reads stop starting after the rest. */
const DELIVERY_SHARE = 0.2;

/** Devices to read: the inventory's, plus [device.ADDRESS] sections, minus ignored ones. */
export function hostsToRead(inv: Inventory, config: Config): string[] {
  const ignored = new Set(Object.entries(config.device).filter(([, d]) => d.ignore).map(([a]) => a));
  const hosts = [...inv.devices.map((d) => d.ip), ...Object.keys(config.device)];
  return [...new Set(hosts)].filter((h) => !ignored.has(h));
}

/** Least recently seen first, never-seen first of all: a run cut short by its budget starts with the rest next time. */
export function readOrder(hosts: string[], state: SendState): string[] {
  const seen = new Map<string, string>();
  for (const d of Object.values(state.devices)) {
    const prev = seen.get(d.host);
    if (d.lastSeenAt && (!prev || d.lastSeenAt > prev)) seen.set(d.host, d.lastSeenAt);
  }
  return hosts
    .map((h, i) => ({ h, i, at: seen.get(h) ?? '' }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.i - b.i)
    .map((x) => x.h);
}

/** Message type per reason: alerts and missing devices may use the auxiliary channels; heartbeats give way in a full spool. */
export function messageTypeOf(reason: SendReason): MessageType {
  if (reason === 'alert' || reason === 'missing') return 'alert';
  if (reason === 'heartbeat') return 'heartbeat';
  return 'readings';
}

/**
 * What the dealer last heard of the device at `host`, as a Reading the profile checks can
 * compare with (a total lower than last time: board swap or reset), or null.
 */
export function previousFrom(state: SendState): (host: string, current: Reading) => Reading | null {
  return (host, current) => {
    const d = Object.values(state.devices).find((x) => x.host === host);
    const total = current.counters.total;
    if (!d || d.pages === null || !total) return null;
    const previous = emptyReading(host);
    previous.identity.serial = d.serial;
    previous.counters.total = { value: d.pages, unit: total.unit };
    return previous;
  };
}

/** The credential each inventory device last answered to, by address. */
export function rememberedFrom(inv: Inventory): (host: string) => CredentialRef | undefined {
  const byIp = new Map(inv.devices.map((d) => [d.ip, d.credential]));
  return (host) => byIp.get(host);
}

export function deviceReader(config: Config, previous?: (host: string, current: Reading) => Reading | null,
  remembered?: (host: string) => CredentialRef | undefined): (host: string) => Promise<Reading> {
  let profiles: Profile[] | null = null;
  const settings = readSettingsFrom(config, {
    // The credential that answered last time first, then the configured order.
    credentials: (host: string) => rememberedFirst(credentialsFor(config, host), remembered?.(host)),
  });
  return async (host) => {
    profiles ??= loadProfiles({ dataDir: config.agent.data_dir ?? undefined });
    const [result] = await readDevices([host], settings, { profiles, previous });
    return result!.reading;
  };
}

/** Rediscover; returns the reason the inventory could not be saved (its result is kept beside it), or null. */
async function defaultDiscover(config: Config, signal: AbortSignal, targets: readonly string[]): Promise<string | null> {
  return (await runDiscover({ config, save: true, signal, targets })).saveError;
}

/**
 * What a due rediscovery sweeps: [discovery] targets; else what earlier sweeps covered
 * (inventory `swept`); else, only on an agent that knows no printer at all (a fresh install
 * without ranges), the host's own subnets (the empty list). Printers added by hand or as
 * [device.X] sections with no sweep behind them are read, and nothing is swept (null).
 */
export function rediscoveryTargets(inv: Inventory, config: Config): readonly string[] | null {
  if (config.discovery.targets.length) return config.discovery.targets;
  if (inv.swept?.length) return inv.swept;
  return hostsToRead(inv, config).length === 0 ? [] : null;
}

function failedReading(host: string, error: string): Reading {
  return { ...emptyReading(host), ok: false, error };
}

/**
 * Read hosts, `concurrency` at a time; no new read starts once `stop()` says so, and
 * reads still going when `cut` resolves are abandoned (their hosts are left for the next
 * run): a slow device never eats the time delivery needs.
 */
export async function readBounded(hosts: string[], concurrency: number, read: (host: string) => Promise<Reading>, stop: () => boolean, cut: Promise<void> = new Promise(() => {})): Promise<{ readings: Reading[]; unread: string[] }> {
  const readings: Reading[] = [];
  const done = new Set<string>();
  let next = 0;
  let over = false;
  const worker = async () => {
    while (next < hosts.length && !stop() && !over) {
      const host = hosts[next++]!;
      let reading: Reading;
      try {
        reading = await read(host);
      } catch (e) {
        // A bug reading one device must not cost the others their reading.
        reading = failedReading(host, `internal error reading the device: ${errorMessage(e)}`);
      }
      if (over) return;
      readings.push(reading);
      done.add(host);
    }
  };
  const workers = Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, hosts.length)) }, worker));
  await Promise.race([workers, cut.then(() => { over = true; })]);
  return { readings, unread: hosts.filter((h) => !done.has(h)) };
}

export async function runCycle(config: Config, deps: RunDeps = {}): Promise<RunReport> {
  const now = deps.now ?? Date.now;
  const agentLog = openAgentLog(config.agent.data_dir!, config.agent.log_level, (t) => redactText(t, secretsOf(config)), now);
  const log = (line: string) => { agentLog.info(line); deps.log?.(line); };
  requireSendable(config);
  const dataDir = config.agent.data_dir!;
  const budget = config.schedule.time_budget;
  const startedAt = new Date(now()).toISOString();
  const scrub = (t: string) => redactText(t, secretsOf(config));
  const report: RunReport = {
    exitCode: RUN_EXIT.ok, outcome: 'ok', rediscovered: false, hosts: [], readings: [], unreachable: [], unread: [],
    sends: [], messages: 0, delivery: null, notes: [],
  };
  const record = () => {
    const r = toRecord(report, startedAt, new Date(now()).toISOString());
    appendRunRecord(dataDir, r, scrub);
    logRunToEventLog(config, r, scrub);
    const level = report.outcome === 'ok' ? 'info' : report.outcome === 'refused' ? 'error' : 'warn';
    const lines = describeRun(report);
    agentLog[level](`run ${report.outcome} (exit ${report.exitCode}): ${lines.slice(0, report.outcome === 'busy' ? 0 : 2).join('; ')}`);
    for (const note of report.notes) agentLog[level === 'info' ? 'info' : 'warn'](note);
  };

  // An unwritable data folder, or one that is a file, is one line naming it (exit 2), not an internal error.
  requireWritableDir(dataDir);
  const spoolAt = spoolDir(dataDir);
  if (statSync(spoolAt, { throwIfNoEntry: false })?.isFile()) throw new UserError(`${spoolAt} is a file where amr keeps its spool folder; move or remove that file`);
  const lock = acquireRunLock(dataDir, { staleAfterMs: 2 * budget + 10 * 60_000, now });
  if (!lock.acquired) {
    report.exitCode = RUN_EXIT.busy;
    report.outcome = 'busy';
    report.notes.push(`${lock.message}; this run does nothing`);
    record();
    return report;
  }
  try {
    if (lock.recovered) {
      const h = lock.recovered.holder;
      report.notes.push(`took over a stale run lock${h ? ` of process ${h.pid} on ${h.host} from ${h.startedAt}` : ''}: ${lock.recovered.why}`);
    }
    const start = now();
    const deadline = start + budget;
    const readStop = start + budget * (1 - DELIVERY_SHARE);
    const stopped = () => now() >= readStop || deps.signal?.aborted === true;
    // Reads still going at readStop (or when stopped) are cut: delivery keeps its share of the budget.
    const cut = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, readStop - now()));
      timer.unref?.();
      deps.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });

    const file = inventoryPath(dataDir);
    let inv: Inventory;
    let due: boolean;
    try {
      inv = loadInventory(file);
      due = !inv.updated || now() - Date.parse(inv.updated) >= config.discovery.interval;
    } catch (e) {
      report.notes.push(`${errorMessage(e)}; rediscovering`);
      inv = { version: 1, updated: null, devices: [] };
      due = true;
    }
    const sweepTargets = rediscoveryTargets(inv, config);
    if (due && sweepTargets && !stopped()) {
      log('rediscovering (the inventory is older than [discovery] interval)');
      // Discovery may use at most half the budget; reading gets the rest.
      const signals = [AbortSignal.timeout(Math.max(1000, budget / 2)), ...(deps.signal ? [deps.signal] : [])];
      try {
        const problem = await (deps.discover ?? defaultDiscover)(config, AbortSignal.any(signals), sweepTargets);
        if (problem) report.notes.push(problem);
        report.rediscovered = true;
        inv = loadInventory(file);
      } catch (e) {
        report.notes.push(`rediscovery failed, reading the known inventory: ${errorMessage(e)}`);
      }
    }

    const { state: previous, warning } = loadState(dataDir, new Date(now()));
    if (warning) report.notes.push(warning);
    report.hosts = readOrder(hostsToRead(inv, config), previous);
    if (report.hosts.length === 0) {
      report.notes.push(report.rediscovered ? 'discovery found no printers' : 'no printers known: run amr discover, or list them as [device.ADDRESS] sections');
    }
    log(`reading ${report.hosts.length} device(s), ${config.snmp.concurrency} at a time`);
    const { readings, unread } = await readBounded(report.hosts, config.snmp.concurrency, deps.readHost ?? deviceReader(config, previousFrom(previous), rememberedFrom(inv)), stopped, cut);
    report.readings = readings;
    report.unread = unread;
    if (unread.length) report.notes.push(`${deps.signal?.aborted ? 'stopped' : 'time budget spent'}: ${unread.length} device(s) left for the next run`);

    const decision = decide(previous, readings, {
      now: new Date(now()),
      supplyDelta: config.schedule.supply_delta,
      pageDelta: config.schedule.page_delta,
      heartbeatMs: config.schedule.heartbeat,
      // Runs come every [schedule] every: a heartbeat due within half of that is sent now, not a run later.
      heartbeatSlackMs: Math.min(config.schedule.every / 2, config.schedule.heartbeat / 4),
      missingAfterMs: config.schedule.missing_after,
    });
    report.sends = decision.sends;
    report.unreachable = decision.unreachable;

    // Spool first, then remember it as sent: a crash in between sends twice, never loses.
    const transport = openTransport(config);
    const status = agentStatus(transport.spool, readRunRecords(dataDir, 1)[0] ?? null);
    const byType = new Map<MessageType, Send[]>();
    for (const s of decision.sends) {
      const type = messageTypeOf(s.reason);
      byType.set(type, [...(byType.get(type) ?? []), s]);
    }
    let spooled = true;
    try {
      for (const [type, sends] of byType) {
        report.messages += spoolMessage(config, type, sends.map((s) => ({ reading: s.reading, reason: s.reason })), transport, status).length;
      }
    } catch (e) {
      // A full disk: what is already spooled is still delivered below; this run's readings go next time.
      if (!isDiskError(e)) throw e;
      spooled = false;
      report.notes.push(`${describeWriteError(e, transport.spool.dir)}; this run's readings are sent by the next run, the spool is delivered now`);
    }
    if (spooled) {
      try {
        saveState(dataDir, decision.state);
      } catch (e) {
        if (!isDiskError(e)) throw e;
        report.notes.push(`${describeWriteError(e, join(dataDir, 'state.json'))}; the next run sends these devices again`);
      }
    }

    // Delivery gets its share of the budget even when reading ran late.
    const flushDeadline = Math.max(deadline, now() + budget * DELIVERY_SHARE);
    report.delivery = await flushSpool(config, { deadline: flushDeadline, now, ...deps.flush }, openTransport(config, { forSending: true }));
    const d = report.delivery;
    if (d.quarantinedReadings.length) forgetRefused(dataDir, d.quarantinedReadings, report.notes);
    if (d.refusal) {
      report.exitCode = RUN_EXIT.refused;
      report.outcome = 'refused';
      report.notes.unshift(`the collector refuses this agent's messages; they stay spooled and go with the first run after the fix: ${d.refusal}`);
    } else if (d.failed > 0 || d.quarantined > 0 || d.late > 0 || !spooled || (d.busy && d.remaining > 0)) {
      report.exitCode = RUN_EXIT.undelivered;
      report.outcome = 'undelivered';
      if (d.failed > 0) report.notes.push(`${d.remaining} message(s) could not be delivered and stay spooled${d.lastError ? `: ${d.lastError}` : ''}`);
      if (d.late > 0) report.notes.push(`time budget spent before ${d.late} message(s) could be tried; they stay spooled (raise [schedule] time_budget if this repeats)`);
    } else if (report.unreachable.length || report.unread.length) {
      report.exitCode = RUN_EXIT.unreachable;
      report.outcome = 'unreachable';
    }
    if (d.quarantined > 0) {
      report.notes.push(`${d.quarantined} reading(s) refused by the collector as invalid, kept in ${transport.spool.quarantineDir} (amr monitor --result quarantined shows why)${d.split ? `; the rest of their messages was delivered` : ''}`);
    }
    if (d.busy) report.notes.push('another amr process holds the spool; messages go with it or the next run');
  } catch (e) {
    if (!(e instanceof UserError)) report.notes.push(`run failed: ${errorMessage(e)}`);
    throw e;
  } finally {
    record();
    lock.lock.release();
  }
  return report;
}

/** What the collector's agents page shows: this agent's backlog and how its last run ended. */
export function agentStatus(spool: Spool, last: RunRecord | null): AgentStatus {
  const entries = spool.list();
  const oldest = entries.reduce<string | null>((o, e) => (o === null || e.message.createdAt < o ? e.message.createdAt : o), null);
  return {
    spool: { messages: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0), oldest, quarantined: spool.quarantined().length },
    lastRun: last ? { finishedAt: last.finishedAt, outcome: last.outcome, exitCode: last.exitCode } : null,
  };
}

/** Readings the collector will never take are not "sent": their devices are sent afresh next time. */
function forgetRefused(dataDir: string, refused: WireReading[], notes: string[]): void {
  try {
    const { state } = loadState(dataDir);
    for (const w of refused) {
      for (const [key, dev] of Object.entries(state.devices)) {
        if ((w.host !== null && dev.host === w.host) || (w.identity.serial !== null && dev.serial === w.identity.serial)) delete state.devices[key];
      }
    }
    saveState(dataDir, state);
  } catch (e) {
    notes.push(`could not update ${join(dataDir, 'state.json')}: ${errorMessage(e)}`);
  }
}

function toRecord(r: RunReport, startedAt: string, finishedAt: string): RunRecord {
  const sent: Record<string, number> = {};
  for (const reason of SEND_REASONS) {
    const n = r.sends.filter((s) => s.reason === reason).length;
    if (n) sent[reason] = n;
  }
  return {
    startedAt, finishedAt, exitCode: r.exitCode, outcome: r.outcome, rediscovered: r.rediscovered,
    devices: r.hosts.length, read: r.readings.filter((x) => x.ok).length, unreachable: r.unreachable,
    unread: r.unread.length, sent, messages: r.messages,
    delivered: r.delivery?.delivered ?? null, undelivered: r.delivery ? r.delivery.failed + r.delivery.deferred : null,
    spooled: r.delivery?.remaining ?? null, quarantined: r.delivery?.quarantined ?? null,
    notes: r.notes,
  };
}

/** The lines `amr run` prints: one summary, then the notes. */
export function describeRun(r: RunReport): string[] {
  if (r.outcome === 'busy') return r.notes;
  const sent = SEND_REASONS.map((reason) => [reason, r.sends.filter((s) => s.reason === reason).length] as const)
    .filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
  const ok = r.readings.filter((x) => x.ok).length;
  const d = r.delivery;
  const lines = [
    `read ${ok} of ${r.hosts.length} device(s)${r.rediscovered ? ' after rediscovery' : ''}`
      + `${r.unreachable.length ? `; unreachable: ${r.unreachable.join(', ')}` : ''}`
      + `${r.unread.length ? `; ${r.unread.length} left for the next run` : ''}`,
    `sent ${r.sends.length} reading(s)${sent.length ? ` (${sent.join(', ')})` : ''} in ${r.messages} message(s)`
      + (d ? `; delivered ${d.delivered}, ${d.remaining} in the spool` : ''),
    ...r.notes,
  ];
  return lines;
}
