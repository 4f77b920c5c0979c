/**
 * Store and forward: spool messages durably, then deliver each over HTTPS with
 * failover across [server] urls, and alerts/heartbeats over the auxiliary channels
 * when HTTPS fails. A message leaves the spool only on the server's acknowledgement.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { describeWriteError, isDiskError } from '../durable-file.js';
import type { Config } from '../config/types.js';
import { redactText, secretsOf } from '../config/redact.js';
import { AGENT_VERSION } from '../version.js';
import {
  AGENT_READINGS_PER_MESSAGE, auxOverhead, buildMessage, encodeAuxPacket, encodeBody, httpHeaders, UDP_MAX_BYTES, TCP_MAX_FRAME,
  type AgentStatus, type Message, type MessageType, type WireReading,
} from '@amr/protocol';
import { Journal, journalDir } from './journal.js';
import { postMessage, type PostResult } from './http.js';
import { resolveProxy } from './proxy.js';
import { classifyRefusal, type RefusalClass } from './refusal.js';
import { sendTcp, sendUdp, type AuxResult } from './aux.js';
import { clampReading, MESSAGE_MAX_GZIP, MESSAGE_MAX_JSON } from './limits.js';
import { Spool, spoolDir, type RetryState, type SpoolEntry } from './spool.js';
import { contextOf, normalizeOutgoing, toWireReading, type MessageContext, type Outgoing } from './wire.js';
import type { Reading } from '../reading/types.js';

/** Backoff: 30 s doubling to at most 1 h, with jitter (50-100 % of the step). */
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 3_600_000;

export interface Transport { config: Config; journal: Journal; spool: Spool; ctx: MessageContext; ca: string | null; scrub: (t: string) => string }

/** Open the journal and spool of a config; checks what sending needs. */
export function openTransport(config: Config, options: { forSending?: boolean } = {}): Transport {
  const secrets = secretsOf(config);
  const scrub = (t: string) => redactText(t, secrets);
  const journal = new Journal(journalDir(config.agent.data_dir!), scrub);
  const spool = new Spool(spoolDir(config.agent.data_dir!), journal);
  let ca: string | null = null;
  if (config.server.ca_file) {
    try {
      ca = readFileSync(config.server.ca_file, 'utf8');
    } catch (e) {
      throw new UserError(`[server] ca_file = ${config.server.ca_file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); fix the path or remove the key`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UserError(`[server] ca_file = ${config.server.ca_file} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
    }
  }
  if (options.forSending) requireSendable(config);
  return { config, journal, spool, ctx: contextOf(config, AGENT_VERSION), ca, scrub };
}

export function requireSendable(config: Config): void {
  const where = config.file ?? 'config.ini';
  if (!config.agent.customer) throw new UserError(`${where}: [agent] customer is not set; it travels with every message (ask your dealer for the customer code)`);
  if (config.server.urls.length === 0) throw new UserError(`${where}: [server] urls is empty; set the collector URLs your dealer gave you`);
  if (!config.server.agent_key) throw new UserError(`${where}: [server] agent_key is not set; it signs every message (ask your dealer: amr-collector enroll)`);
}

/** Build the messages for these readings: billing readings in chunks, alerts packed to fit one UDP datagram. */
export function buildMessages(ctx: MessageContext, type: MessageType, items: ReadonlyArray<Reading | Outgoing>, now = new Date(), status?: AgentStatus): Message[] {
  const wire = normalizeOutgoing(type, items).map((o) => clampReading(toWireReading(o.reading, o.reason, ctx.privacy, ctx.key)).reading);
  if (wire.length === 0) return [];
  if (type !== 'alert') {
    const out: Message[] = [];
    for (let i = 0; i < wire.length; i += AGENT_READINGS_PER_MESSAGE) out.push(...fitted(ctx, type, wire.slice(i, i + AGENT_READINGS_PER_MESSAGE), now, status));
    return out;
  }
  const budget = UDP_MAX_BYTES - auxOverhead(ctx.agentId);
  const out: Message[] = [];
  let batch: WireReading[] = [];
  // Keep the very message that was measured: rebuilding it would draw a new message id,
  // and its gzip size could differ by a byte or two from the one that fitted.
  let current: Message | null = null;
  for (const w of wire) {
    const trial = withStatus(buildMessage(ctx, type, [...batch, w], now), status);
    if (current && encodeBody(trial).length > budget) {
      out.push(current);
      batch = [w];
      current = withStatus(buildMessage(ctx, type, batch, now), status);
    } else {
      batch.push(w);
      current = trial;
    }
  }
  if (current) out.push(current);
  return out;
}

function withStatus(m: Message, status: AgentStatus | undefined): Message {
  return status ? { ...m, agentStatus: status } : m;
}

/** One message for these readings, or halves of it until each fits the collector's size limits. */
export function fitted(ctx: MessageContext, type: MessageType, readings: WireReading[], now: Date, status?: AgentStatus): Message[] {
  const m = withStatus(buildMessage(ctx, type, readings, now), status);
  if (readings.length <= 1) return [m];
  if (Buffer.byteLength(JSON.stringify(m)) <= MESSAGE_MAX_JSON && encodeBody(m).length <= MESSAGE_MAX_GZIP) return [m];
  const half = Math.ceil(readings.length / 2);
  return [...fitted(ctx, type, readings.slice(0, half), now, status), ...fitted(ctx, type, readings.slice(half), now, status)];
}

/** Durably spool messages for these readings (before any send). Returns them. */
export function spoolMessage(config: Config, type: MessageType, items: ReadonlyArray<Reading | Outgoing>, transport = openTransport(config), status?: AgentStatus): Message[] {
  const messages = buildMessages(transport.ctx, type, items, new Date(), status);
  for (const m of messages) {
    transport.spool.add(m);
    transport.journal.write({
      channel: 'spool', server: null, proxy: null, type: m.type, messageIds: [m.messageId],
      bytes: encodeBody(m).length, result: 'spooled', latencyMs: null, error: null,
    });
  }
  return messages;
}

export interface FlushOptions {
  /** Ignore the backoff schedule and try every message now (a user running `amr send`). */
  force?: boolean;
  /** Stop starting new messages after this time (ms since epoch): the scheduler's time budget. */
  deadline?: number;
  /** UDP wait schedule (tests shorten it). */
  udpWaits?: readonly number[];
  now?: () => number;
}

export interface FlushSummary {
  /** Messages acknowledged (stored now or already stored). */
  delivered: number;
  duplicates: number;
  /** Messages tried on every channel without an acknowledgement; they stay spooled. */
  failed: number;
  /** Messages not tried this time (backoff, deadline, or every channel already failed in this run). */
  deferred: number;
  /** Of those, messages not tried because the time budget ran out (the run says so in its exit code). */
  late: number;
  dropped: number;
  /** Messages the collector refused as never valid, set aside in spool/quarantine (one reading each). */
  quarantined: number;
  /** Readings of those messages (the run forgets them in its state, so they count as not sent). */
  quarantinedReadings: WireReading[];
  /** Messages split in two after such a refusal, so that the valid readings still travel. */
  split: number;
  /** A refusal configuration can fix: one line saying what to change; the messages stay spooled. */
  refusal: string | null;
  /** Messages left in the spool. */
  remaining: number;
  /** Another process holds the spool lock. */
  busy: boolean;
  /** Whether HTTP(S) delivered anything / failed everywhere in this run (null: not tried). */
  primaryOk: boolean | null;
  lastError: string | null;
}

export function emptySummary(): FlushSummary {
  return {
    delivered: 0, duplicates: 0, failed: 0, deferred: 0, late: 0, dropped: 0, quarantined: 0, quarantinedReadings: [], split: 0,
    refusal: null, remaining: 0, busy: false, primaryOk: null, lastError: null,
  };
}

export async function flushSpool(config: Config, options: FlushOptions = {}, transport = openTransport(config, { forSending: true })): Promise<FlushSummary> {
  const now = options.now ?? Date.now;
  const { spool } = transport;
  const summary = emptySummary();
  // A delivery is bounded by the run's time budget; a lock older than twice that is a dead deliverer's.
  let release: (() => void) | null;
  try {
    release = spool.lock(2 * config.schedule.time_budget + 10 * 60_000, now);
  } catch (e) {
    // A read-only or unwritable spool (or one that is a file): one line naming it and the fix, not an internal error.
    if (isDiskError(e)) throw new UserError(`${describeWriteError(e, join(spool.dir, '.lock'))}; the spooled messages stay where they are`);
    throw e;
  }
  if (!release) return { ...summary, busy: true, remaining: spool.list().length };
  try {
    summary.dropped = spool.enforceLimits(config.spool.max_mb * 1024 * 1024, config.spool.max_age, now()).length;
    const state = spool.readState();
    const queue = spool.list();
    const live = new Set(queue.map((e) => e.message.messageId));
    for (const id of Object.keys(state)) if (!live.has(id)) delete state[id];
    // Once a channel failed on every server in this run, later messages do not wait on it again.
    const down = { http: false, aux: false };
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i]!;
      const id = entry.message.messageId;
      const st = state[id];
      const auxAllowed = entry.message.type !== 'readings';
      if (options.deadline && now() >= options.deadline) {
        summary.deferred++;
        summary.late++;
        continue;
      }
      if ((!options.force && st && st.nextAt > now())
        || (down.http && (!auxAllowed || down.aux))) {
        summary.deferred++;
        continue;
      }
      const r = await deliverOne(transport, entry, down, options);
      if (r.acked) {
        spool.remove(entry);
        delete state[id];
        summary.delivered++;
        if (r.duplicate) summary.duplicates++;
      } else if (r.refused?.kind === 'invalid') {
        delete state[id];
        if (entry.message.readings.length > 1) {
          // Halves go right after this one: the valid readings travel, the bad one is narrowed down.
          queue.splice(i + 1, 0, ...splitEntry(transport, entry, r.refused.why));
          summary.split++;
        } else {
          spool.quarantine(entry.file, r.refused.why, entry.message);
          summary.quarantined++;
          summary.quarantinedReadings.push(...entry.message.readings);
        }
      } else {
        summary.failed++;
        summary.lastError = r.error;
        if (r.refused?.kind === 'config') {
          // Fixed in config.ini, the next run delivers at once: no backoff for this.
          summary.refusal ??= r.refused.hint;
          state[id] = { attempts: (st?.attempts ?? 0) + 1, nextAt: now(), lastError: r.error };
          down.http = true;
          down.aux = true;
        } else {
          state[id] = nextRetry(st, r.error, now());
        }
      }
      spool.writeState(state);
      if (r.httpOk !== null) summary.primaryOk = summary.primaryOk === true || r.httpOk;
    }
    summary.remaining = spool.list().length;
    return summary;
  } finally {
    release();
  }
}

/** Replace a refused message by two halves (new ids: the refused one was never stored), spooled before it goes. */
function splitEntry(t: Transport, entry: SpoolEntry, why: string): SpoolEntry[] {
  const m = entry.message;
  const half = Math.ceil(m.readings.length / 2);
  const parts = [m.readings.slice(0, half), m.readings.slice(half)].map((readings) => ({ ...m, messageId: randomUUID(), readings }));
  const out = parts.map((message) => {
    const file = t.spool.add(message);
    return { file, path: join(t.spool.dir, file), bytes: Buffer.byteLength(JSON.stringify(message)), message };
  });
  t.spool.remove(entry);
  t.journal.write({
    channel: 'spool', server: null, proxy: null, type: m.type, messageIds: [m.messageId, ...out.map((e) => e.message.messageId)],
    bytes: entry.bytes, result: 'spooled', latencyMs: null, error: `split in two after the collector refused it (${why})`,
  });
  return out;
}

export function nextRetry(prev: RetryState | undefined, error: string | null, now: number): RetryState {
  const attempts = (prev?.attempts ?? 0) + 1;
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
  return { attempts, nextAt: now + Math.round(step * (0.5 + Math.random() * 0.5)), lastError: error };
}

interface OneResult { acked: boolean; duplicate: boolean; refused: RefusalClass | null; error: string | null; httpOk: boolean | null }

/** The message as this agent sends it now: a customer code or agent id fixed in config.ini applies to what waits in the spool. */
function asConfigured(m: Message, ctx: MessageContext): Message {
  return m.customer === ctx.customer && m.agentId === ctx.agentId ? m : { ...m, customer: ctx.customer, agentId: ctx.agentId };
}

async function deliverOne(t: Transport, entry: SpoolEntry, down: { http: boolean; aux: boolean }, options: FlushOptions): Promise<OneResult> {
  const { config, journal, ctx } = t;
  const m = asConfigured(entry.message, ctx);
  const body = encodeBody(m);
  const who = { agentId: ctx.agentId, customer: ctx.customer };
  let lastError: string | null = null;
  let httpOk: boolean | null = null;
  let invalid = 0;
  let configRefusal: RefusalClass | null = null;
  let invalidWhy = '';
  if (!down.http) {
    httpOk = false;
    for (const server of config.server.urls) {
      const url = new URL(server);
      const proxy = await resolveProxy(config, url);
      const r: PostResult = await postMessage({
        server, body, headers: httpHeaders(ctx.agentId, ctx.key, body), proxy, ca: t.ca,
        timeoutMs: config.server.timeout, messageId: m.messageId,
      });
      journal.write({
        channel: url.protocol === 'https:' ? 'https' : 'http', server, proxy: proxy?.display ?? null, type: m.type,
        messageIds: [m.messageId], bytes: body.length, result: r.ok ? (r.duplicate ? 'duplicate' : 'ok') : 'error',
        latencyMs: r.latencyMs, ...(r.status !== undefined ? { status: r.status } : {}), error: r.ok ? null : r.error,
      });
      if (r.ok) return { acked: true, duplicate: r.duplicate, refused: null, error: null, httpOk: true };
      lastError = `${server}: ${r.error}`;
      // Only the collector's own JSON refusal counts; an HTML 400 from a proxy or portal is retried.
      const cls = r.refusal ? classifyRefusal(r.status ?? null, r.refusal, who) : null;
      if (cls?.kind === 'invalid') { invalid++; invalidWhy = cls.why; }
      if (cls?.kind === 'config') configRefusal ??= cls;
    }
    if (invalid === config.server.urls.length) return { acked: false, duplicate: false, refused: { kind: 'invalid', why: invalidWhy }, error: lastError, httpOk };
    if (configRefusal) return { acked: false, duplicate: false, refused: configRefusal, error: lastError, httpOk };
    down.http = true;
  }
  if (m.type === 'readings' || down.aux) return { acked: false, duplicate: false, refused: null, error: lastError, httpOk };
  let tried = false;
  for (const server of config.server.urls) {
    const host = new URL(server).hostname;
    const channels: Array<{ channel: 'tcp' | 'udp'; port: number }> = [
      ...(config.server.tcp_port > 0 ? [{ channel: 'tcp' as const, port: config.server.tcp_port }] : []),
      ...config.server.udp_ports.map((port) => ({ channel: 'udp' as const, port })),
    ];
    for (const { channel, port } of channels) {
      const packet = encodeAuxPacket(ctx.agentId, ctx.key, body);
      if ((channel === 'udp' && packet.length > UDP_MAX_BYTES) || packet.length > TCP_MAX_FRAME) continue;
      tried = true;
      const req = { host, port, packet, key: ctx.key, messageId: m.messageId };
      const r: AuxResult = channel === 'tcp' ? await sendTcp(req, config.server.timeout) : await sendUdp(req, options.udpWaits);
      journal.write({
        channel, server: `${host}:${port}`, proxy: null, type: m.type, messageIds: [m.messageId], bytes: packet.length,
        result: r.ok ? (r.duplicate ? 'duplicate' : 'ok') : 'error', latencyMs: r.latencyMs, error: r.ok ? null : r.error,
      });
      if (r.ok) return { acked: true, duplicate: r.duplicate, refused: null, error: null, httpOk };
      lastError = `${channel} ${host}:${port}: ${r.error}`;
      if (r.kind === 'rejected') {
        const cls = classifyRefusal(null, { error: r.reason, code: r.code }, who);
        if (cls?.kind === 'config') configRefusal ??= cls;
        // Permanent only when the collector signed it for this message: a forged datagram must not set a message aside.
        if (cls?.kind === 'invalid' && r.signed) return { acked: false, duplicate: false, refused: cls, error: lastError, httpOk };
      }
    }
  }
  if (tried) down.aux = true;
  return { acked: false, duplicate: false, refused: configRefusal, error: lastError, httpOk };
}

/** For `amr read --send`-like use: spool these readings, then deliver everything spooled. */
export async function sendReadings(config: Config, type: MessageType, items: ReadonlyArray<Reading | Outgoing>, options: FlushOptions = {}): Promise<{ messages: Message[]; summary: FlushSummary }> {
  const transport = openTransport(config, { forSending: true });
  const messages = spoolMessage(config, type, items, transport);
  const summary = await flushSpool(config, { force: true, ...options }, transport);
  return { messages, summary };
}
