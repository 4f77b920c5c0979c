/**
 * Store and forward: spool messages durably, then deliver each over HTTPS with
 * failover across [server] urls, and alerts/heartbeats over the auxiliary channels
 * when HTTPS fails. A message leaves the spool only on the server's acknowledgement.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Config } from '../config/types.js';
import { redactText, secretsOf } from '../config/redact.js';
import { AGENT_VERSION } from '../version.js';
import {
  AGENT_READINGS_PER_MESSAGE, auxOverhead, buildMessage, encodeAuxPacket, encodeBody, httpHeaders, UDP_MAX_BYTES, TCP_MAX_FRAME,
  type Message, type MessageType, type WireReading,
} from '@amr/protocol';
import { Journal, journalDir } from './journal.js';
import { postMessage, type PostResult } from './http.js';
import { resolveProxy } from './proxy.js';
import { sendTcp, sendUdp, type AuxResult } from './aux.js';
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
export function buildMessages(ctx: MessageContext, type: MessageType, items: ReadonlyArray<Reading | Outgoing>, now = new Date()): Message[] {
  const wire = normalizeOutgoing(type, items).map((o) => toWireReading(o.reading, o.reason, ctx.privacy, ctx.key));
  if (wire.length === 0) return [];
  if (type !== 'alert') {
    const out: Message[] = [];
    for (let i = 0; i < wire.length; i += AGENT_READINGS_PER_MESSAGE) out.push(buildMessage(ctx, type, wire.slice(i, i + AGENT_READINGS_PER_MESSAGE), now));
    return out;
  }
  const budget = UDP_MAX_BYTES - auxOverhead(ctx.agentId);
  const out: Message[] = [];
  let batch: WireReading[] = [];
  // Keep the very message that was measured: rebuilding it would draw a new message id,
  // and its gzip size could differ by a byte or two from the one that fitted.
  let current: Message | null = null;
  for (const w of wire) {
    const trial = buildMessage(ctx, type, [...batch, w], now);
    if (current && encodeBody(trial).length > budget) {
      out.push(current);
      batch = [w];
      current = buildMessage(ctx, type, batch, now);
    } else {
      batch.push(w);
      current = trial;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Durably spool messages for these readings (before any send). Returns them. */
export function spoolMessage(config: Config, type: MessageType, items: ReadonlyArray<Reading | Outgoing>, transport = openTransport(config)): Message[] {
  const messages = buildMessages(transport.ctx, type, items);
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
  dropped: number;
  quarantined: number;
  /** Messages left in the spool. */
  remaining: number;
  /** Another process holds the spool lock. */
  busy: boolean;
  /** Whether HTTP(S) delivered anything / failed everywhere in this run (null: not tried). */
  primaryOk: boolean | null;
  lastError: string | null;
}

export async function flushSpool(config: Config, options: FlushOptions = {}, transport = openTransport(config, { forSending: true })): Promise<FlushSummary> {
  const now = options.now ?? Date.now;
  const { spool } = transport;
  const summary: FlushSummary = { delivered: 0, duplicates: 0, failed: 0, deferred: 0, dropped: 0, quarantined: 0, remaining: 0, busy: false, primaryOk: null, lastError: null };
  const release = spool.lock();
  if (!release) return { ...summary, busy: true, remaining: spool.list().length };
  try {
    summary.dropped = spool.enforceLimits(config.spool.max_mb * 1024 * 1024, config.spool.max_age, now()).length;
    const state = spool.readState();
    const entries = spool.list();
    const live = new Set(entries.map((e) => e.message.messageId));
    for (const id of Object.keys(state)) if (!live.has(id)) delete state[id];
    // Once a channel failed on every server in this run, later messages do not wait on it again.
    const down = { http: false, aux: false };
    for (const entry of entries) {
      const id = entry.message.messageId;
      const st = state[id];
      const auxAllowed = entry.message.type !== 'readings';
      if ((options.deadline && now() >= options.deadline)
        || (!options.force && st && st.nextAt > now())
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
      } else if (r.rejected) {
        spool.quarantine(entry.file, `every collector rejected it: ${r.error}`);
        delete state[id];
        summary.quarantined++;
      } else {
        summary.failed++;
        summary.lastError = r.error;
        state[id] = nextRetry(st, r.error, now());
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

export function nextRetry(prev: RetryState | undefined, error: string | null, now: number): RetryState {
  const attempts = (prev?.attempts ?? 0) + 1;
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
  return { attempts, nextAt: now + Math.round(step * (0.5 + Math.random() * 0.5)), lastError: error };
}

interface OneResult { acked: boolean; duplicate: boolean; rejected: boolean; error: string | null; httpOk: boolean | null }

async function deliverOne(t: Transport, entry: SpoolEntry, down: { http: boolean; aux: boolean }, options: FlushOptions): Promise<OneResult> {
  const { config, journal, ctx } = t;
  const m = entry.message;
  const body = encodeBody(m);
  let lastError: string | null = null;
  let httpOk: boolean | null = null;
  let rejections = 0;
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
      if (r.ok) return { acked: true, duplicate: r.duplicate, rejected: false, error: null, httpOk: true };
      lastError = `${server}: ${r.error}`;
      // 400 (malformed) and 413 (too large) will never change on retry; anything else might.
      if (r.kind === 'http-status' && (r.status === 400 || r.status === 413)) rejections++;
    }
    if (rejections === config.server.urls.length) return { acked: false, duplicate: false, rejected: true, error: lastError, httpOk };
    down.http = true;
  }
  if (m.type === 'readings' || down.aux) return { acked: false, duplicate: false, rejected: false, error: lastError, httpOk };
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
      if (r.ok) return { acked: true, duplicate: r.duplicate, rejected: false, error: null, httpOk };
      lastError = `${channel} ${host}:${port}: ${r.error}`;
    }
  }
  if (tried) down.aux = true;
  return { acked: false, duplicate: false, rejected: false, error: lastError, httpOk };
}

/** For `amr read --send`-like use: spool these readings, then deliver everything spooled. */
export async function sendReadings(config: Config, type: MessageType, items: ReadonlyArray<Reading | Outgoing>, options: FlushOptions = {}): Promise<{ messages: Message[]; summary: FlushSummary }> {
  const transport = openTransport(config, { forSending: true });
  const messages = spoolMessage(config, type, items, transport);
  const summary = await flushSpool(config, { force: true, ...options }, transport);
  return { messages, summary };
}
