/**
 * The message body of docs/protocol.md as the agent builds it. Every key is always
 * present (null when unknown, [] or {} when empty) so the collector can be strict.
 */
import { randomUUID } from 'node:crypto';
import { MESSAGE_TYPES, PROTOCOL_VERSION, type MessageType, type Reason } from './version.js';

export interface WireCounter { value: number; unit: string | null }

export interface WireIdentity {
  serial: string | null;
  ip: string | null;
  mac: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  hostname: string | null;
  location: string | null;
  sysObjectID: string | null;
}

export interface WireSupply { description: string; type: string; class: string; color: string | null; levelPercent: number | null; state: string }
export interface WireAlert { severity: string; code: number | null; codeName: string | null; description: string }
export interface WireFlag { code: string; message: string; path?: string }

export interface WireReading {
  host: string | null;
  readAt: string;
  ok: boolean;
  error: string | null;
  reason: Reason;
  identity: WireIdentity;
  status: { device: string | null; printer: string | null; errors: string[] };
  counters: Record<string, WireCounter>;
  extraCounters: Record<string, WireCounter>;
  supplies: WireSupply[];
  alerts: WireAlert[];
  flags: WireFlag[];
  profile: string | null;
}

export interface Message {
  protocol: typeof PROTOCOL_VERSION;
  type: MessageType;
  messageId: string;
  agentId: string;
  customer: string;
  agentVersion: string;
  createdAt: string;
  readings: WireReading[];
  /** Optional: the sending agent's own health when the message was made (docs/protocol.md). */
  agentStatus?: AgentStatus;
}

/** The agent's backlog and how its previous run ended, for the dealer's agents page. */
export interface AgentStatus {
  spool: { messages: number; bytes: number; oldest: string | null; quarantined: number };
  lastRun: { finishedAt: string; outcome: string; exitCode: number } | null;
}

type Keys<T> = { [K in keyof Required<T>]: true };
const keys = <T>(k: Keys<T>): Array<keyof T & string> => Object.keys(k) as Array<keyof T & string>;
/** The field names, in document order (docs/protocol.md is checked against them). */
export const MESSAGE_FIELDS = keys<Omit<Message, 'agentStatus'>>({ protocol: true, type: true, messageId: true, agentId: true, customer: true, agentVersion: true, createdAt: true, readings: true });
export const READING_FIELDS = keys<WireReading>({
  host: true, readAt: true, ok: true, error: true, reason: true, identity: true, status: true,
  counters: true, extraCounters: true, supplies: true, alerts: true, flags: true, profile: true,
});
export const IDENTITY_FIELDS = keys<WireIdentity>({
  serial: true, ip: true, mac: true, vendor: true, model: true, firmware: true, hostname: true, location: true, sysObjectID: true,
});
export const SUPPLY_FIELDS = keys<WireSupply>({ description: true, type: true, class: true, color: true, levelPercent: true, state: true });
export const ALERT_FIELDS = keys<WireAlert>({ severity: true, code: true, codeName: true, description: true });

export interface MessageHeader { agentId: string; customer: string; agentVersion: string }

export function buildMessage(from: MessageHeader, type: MessageType, readings: WireReading[], now = new Date()): Message {
  return {
    protocol: PROTOCOL_VERSION,
    type,
    messageId: randomUUID(),
    agentId: from.agentId,
    customer: from.customer,
    agentVersion: from.agentVersion,
    createdAt: now.toISOString(),
    readings,
  };
}

/** Cheap structural check for a message read back from disk. Returns what is wrong, or null. */
export function checkMessage(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const m = value as Record<string, unknown>;
  if (m.protocol !== PROTOCOL_VERSION) return `protocol is ${JSON.stringify(m.protocol)}, expected ${PROTOCOL_VERSION}`;
  if (!MESSAGE_TYPES.includes(m.type as MessageType)) return `type ${JSON.stringify(m.type)} is unknown`;
  for (const k of ['messageId', 'agentId', 'customer', 'agentVersion', 'createdAt'] as const) {
    if (typeof m[k] !== 'string') return `${k} is missing`;
  }
  if (!Array.isArray(m.readings)) return 'readings is not a list';
  return null;
}
