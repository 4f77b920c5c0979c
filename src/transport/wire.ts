/**
 * The message the agent sends (docs/protocol.md): a Reading reduced to what may
 * travel (WireReading), with [privacy] masking applied. Pure: no I/O here.
 */
import { createHmac } from 'node:crypto';
import type { MessageType, Reason, WireReading } from '@amr/protocol';
import type { Config } from '../config/types.js';
import type { Reading } from '../reading/types.js';

export type PrivacyMode = 'send' | 'mask' | 'omit';
export interface Privacy { ip: PrivacyMode; mac: PrivacyMode; hostname: PrivacyMode }

/** A reading with the reason it is being sent. */
export interface Outgoing { reading: Reading; reason?: Reason }

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** `mask:` + 12 hex of HMAC(agent_key, value): stable per site, not reversible without the key. */
export function maskValue(value: string, key: string): string {
  return 'mask:' + createHmac('sha256', key).update(value).digest('hex').slice(0, 12);
}

function applyPrivacy(value: string | null, mode: PrivacyMode, key: string): string | null {
  if (value === null || value === '') return value;
  if (mode === 'send') return value;
  return mode === 'mask' ? maskValue(value, key) : null;
}

/** Replace any hidden value inside free text (flag messages, errors) too. */
function scrub(text: string, hidden: Array<[string, string | null]>): string {
  let out = text;
  for (const [raw, replacement] of hidden) {
    if (raw.length >= 3) out = out.split(raw).join(replacement ?? '(omitted)');
  }
  return out;
}

/** Reading -> WireReading. `key` is the agent key used for masking. */
export function toWireReading(reading: Reading, reason: Reason, privacy: Privacy, key: string): WireReading {
  const id = reading.identity;
  const hidden: Array<[string, string | null]> = [];
  const priv = (value: string | null, mode: PrivacyMode): string | null => {
    const out = applyPrivacy(value, mode, key);
    if (value && out !== value) hidden.push([value, out]);
    return out;
  };
  const ip = priv(id.ip, privacy.ip);
  const mac = priv(id.mac, privacy.mac);
  const hostname = priv(id.hostname, privacy.hostname);
  const location = priv(id.location, privacy.hostname);
  // The polled host is an address or a name; it follows the matching rule.
  const host = priv(reading.host, IPV4.test(reading.host) || reading.host.includes(':') ? privacy.ip : privacy.hostname);
  return {
    host,
    readAt: reading.readAt,
    ok: reading.ok,
    error: reading.error === undefined ? null : scrub(reading.error, hidden),
    reason,
    identity: {
      serial: id.serial, ip, mac, vendor: id.vendor, model: id.model, firmware: id.firmware,
      hostname, location, sysObjectID: id.sysObjectID,
    },
    status: { device: reading.status.device, printer: reading.status.printer, errors: [...reading.status.errors] },
    counters: { ...reading.counters },
    extraCounters: { ...reading.extraCounters },
    supplies: reading.supplies.map((s) => ({
      description: s.description, type: s.type, class: s.class, color: s.color, levelPercent: s.levelPercent, state: s.state,
    })),
    alerts: reading.alerts.map((a) => ({ severity: a.severity, code: a.code, codeName: a.codeName, description: scrub(a.description, hidden) })),
    flags: reading.flags.map((f) => ({ code: f.code, message: scrub(f.message, hidden), ...(f.path ? { path: f.path } : {}) })),
    profile: reading.profile,
  };
}

const DEFAULT_REASON: Record<MessageType, Reason> = { readings: 'pages', heartbeat: 'heartbeat', alert: 'alert' };

export function normalizeOutgoing(type: MessageType, items: ReadonlyArray<Reading | Outgoing>): Array<Required<Outgoing>> {
  return items.map((item) => 'reading' in item
    ? { reading: item.reading, reason: item.reason ?? DEFAULT_REASON[type] }
    : { reading: item, reason: DEFAULT_REASON[type] });
}

export interface MessageContext { agentId: string; customer: string; agentVersion: string; key: string; privacy: Privacy }

export function contextOf(config: Config, agentVersion: string): MessageContext {
  return {
    agentId: config.agent.id ?? '',
    customer: config.agent.customer,
    agentVersion,
    key: config.server.agent_key ?? '',
    privacy: { ip: config.privacy.ip, mac: config.privacy.mac, hostname: config.privacy.hostname },
  };
}
