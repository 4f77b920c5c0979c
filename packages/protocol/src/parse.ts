/**
 * The collector's side of the message body: checked field by field against the
 * protocol's limits. Whatever passes is safe to store; whatever fails gets one line
 * saying which field is wrong.
 */
import { COUNTER_NAME, ID, LIMITS } from './limits.js';
import type { AgentStatus, WireCounter, WireIdentity } from './message.js';
import { MESSAGE_TYPES, PROTOCOL_VERSION, type MessageType } from './version.js';

export interface ReceivedSupply {
  /** hrDeviceIndex.prtMarkerSuppliesIndex when the agent sent them, else the position and description. */
  index: string;
  description: string | null;
  type: string | null;
  class: string | null;
  color: string | null;
  levelPercent: number | null;
  state: string | null;
}

export interface ReceivedAlert {
  severity: string | null;
  code: number | null;
  codeName: string | null;
  description: string | null;
}

export interface ReceivedReading {
  readAt: string;
  ok: boolean;
  error: string | null;
  reason: string | null;
  identity: WireIdentity;
  status: { device: string | null; printer: string | null; errors: string[] };
  counters: Record<string, WireCounter>;
  extraCounters: Record<string, WireCounter>;
  supplies: ReceivedSupply[];
  alerts: ReceivedAlert[];
  /** The reading as received, stored for later questions. */
  raw: Record<string, unknown>;
}

export interface ReceivedMessage {
  protocol: typeof PROTOCOL_VERSION;
  type: MessageType;
  messageId: string;
  agentId: string;
  customer: string;
  agentVersion: string;
  createdAt: string;
  readings: ReceivedReading[];
  /** The agent's spool and last run, when it sent them and they are well formed (never a reason to refuse the readings). */
  agentStatus?: AgentStatus;
}

export class SchemaError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, what: string): never {
  throw new SchemaError(`${path} ${what}`);
}

function str(o: Obj, k: string, path: string, max: number, required = false): string | null {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) fail(`${path}${k}`, 'is missing');
    return null;
  }
  if (typeof v !== 'string') fail(`${path}${k}`, 'must be a string');
  if (v.length > max) fail(`${path}${k}`, `is longer than ${max} characters`);
  return v;
}

function num(o: Obj, k: string, path: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}${k}`, 'must be a number');
  return v;
}

function time(o: Obj, k: string, path: string, max: number): string {
  const s = str(o, k, path, max, true)!;
  const t = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\dT/.test(s) || Number.isNaN(t)) fail(`${path}${k}`, 'must be an ISO 8601 time');
  // A clock a day ahead would poison "latest" views for good.
  if (t > Date.now() + LIMITS.futureSeconds * 1000) fail(`${path}${k}`, 'is more than a day in the future');
  return new Date(t).toISOString();
}

function arr(o: Obj, k: string, path: string, max: number): unknown[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${path}${k}`, 'must be an array');
  if (v.length > max) fail(`${path}${k}`, `has more than ${max} entries`);
  return v;
}

function counters(o: Obj, k: string, path: string): Record<string, WireCounter> {
  const v = o[k];
  if (v === undefined || v === null) return {};
  if (!isObj(v)) fail(`${path}${k}`, 'must be an object');
  const out: Record<string, WireCounter> = {};
  for (const [name, c] of Object.entries(v)) {
    const p = `${path}${k}.${name}`;
    if (!COUNTER_NAME.test(name)) fail(p, 'is not a valid counter name');
    if (!isObj(c)) fail(p, 'must be {value, unit}');
    const value = num(c, 'value', `${p}.`);
    if (value === null || !Number.isSafeInteger(value) || value < 0) fail(`${p}.value`, 'must be a whole number >= 0');
    out[name] = { value, unit: str(c, 'unit', `${p}.`, LIMITS.counterUnit) };
  }
  return out;
}

function reading(v: unknown, i: number): ReceivedReading {
  const path = `readings[${i}].`;
  if (!isObj(v)) fail(`readings[${i}]`, 'must be an object');
  const idv = v.identity ?? {};
  if (!isObj(idv)) fail(`${path}identity`, 'must be an object');
  const ip = `${path}identity.`;
  const L = LIMITS.identity;
  const identity: WireIdentity = {
    serial: str(idv, 'serial', ip, L.serial)?.trim() || null,
    mac: str(idv, 'mac', ip, L.mac)?.trim().toLowerCase() || null,
    vendor: str(idv, 'vendor', ip, L.vendor),
    model: str(idv, 'model', ip, L.model),
    firmware: str(idv, 'firmware', ip, L.firmware),
    ip: str(idv, 'ip', ip, L.ip),
    hostname: str(idv, 'hostname', ip, L.hostname),
    location: str(idv, 'location', ip, L.location),
    sysObjectID: str(idv, 'sysObjectID', ip, L.sysObjectID),
  };
  const stv = v.status ?? {};
  if (!isObj(stv)) fail(`${path}status`, 'must be an object');
  const errors = arr(stv, 'errors', `${path}status.`, LIMITS.statusErrors).map((e, j) => {
    if (typeof e !== 'string') fail(`${path}status.errors[${j}]`, 'must be a string');
    return e;
  });
  const okv = v.ok ?? true;
  if (typeof okv !== 'boolean') fail(`${path}ok`, 'must be true or false');
  const S = LIMITS.supply;
  const supplies = arr(v, 'supplies', path, LIMITS.supplies).map((s, j): ReceivedSupply => {
    const sp = `${path}supplies[${j}].`;
    if (!isObj(s)) fail(`${path}supplies[${j}]`, 'must be an object');
    const lp = num(s, 'levelPercent', sp);
    if (lp !== null && (lp < 0 || lp > 100)) fail(`${sp}levelPercent`, 'must be 0-100 or null');
    const hr = num(s, 'hrDeviceIndex', sp);
    const ix = num(s, 'index', sp);
    const description = str(s, 'description', sp, S.description);
    return {
      index: ix !== null ? `${hr ?? 1}.${ix}` : `#${j}:${description ?? ''}`,
      description,
      type: str(s, 'type', sp, S.type),
      class: str(s, 'class', sp, S.class),
      color: str(s, 'color', sp, S.color),
      levelPercent: lp,
      state: str(s, 'state', sp, S.state),
    };
  });
  const A = LIMITS.alert;
  const alerts = arr(v, 'alerts', path, LIMITS.alerts).map((a, j): ReceivedAlert => {
    const ap = `${path}alerts[${j}].`;
    if (!isObj(a)) fail(`${path}alerts[${j}]`, 'must be an object');
    const code = num(a, 'code', ap);
    if (code !== null && !Number.isSafeInteger(code)) fail(`${ap}code`, 'must be a whole number');
    return {
      severity: str(a, 'severity', ap, A.severity),
      code,
      codeName: str(a, 'codeName', ap, A.codeName),
      description: str(a, 'description', ap, A.description),
    };
  });
  const R = LIMITS.reading;
  return {
    readAt: time(v, 'readAt', path, R.readAt),
    ok: okv,
    error: str(v, 'error', path, R.error),
    reason: str(v, 'reason', path, R.reason),
    identity,
    status: {
      device: str(stv, 'device', `${path}status.`, LIMITS.status.device),
      printer: str(stv, 'printer', `${path}status.`, LIMITS.status.printer),
      errors,
    },
    counters: counters(v, 'counters', path),
    extraCounters: counters(v, 'extraCounters', path),
    supplies,
    alerts,
    raw: v,
  };
}

/** Checks a parsed body against the protocol; `headerAgent` is X-AMR-Agent. */
export function parseMessage(body: unknown, headerAgent: string): ReceivedMessage {
  if (!isObj(body)) fail('body', 'must be a JSON object');
  if (body.protocol !== PROTOCOL_VERSION) fail('protocol', `must be ${PROTOCOL_VERSION}`);
  const M = LIMITS.message;
  const type = str(body, 'type', '', M.type, true) as MessageType;
  if (!MESSAGE_TYPES.includes(type)) fail('type', `must be one of ${MESSAGE_TYPES.join(', ')}`);
  const messageId = str(body, 'messageId', '', M.messageId, true)!;
  if (!ID.test(messageId)) fail('messageId', 'must be 1-128 letters, digits, ".", "_", ":", "@" or "-"');
  const agentId = str(body, 'agentId', '', M.agentId, true)!;
  if (agentId !== headerAgent) fail('agentId', 'differs from the X-AMR-Agent header');
  const customer = str(body, 'customer', '', M.customer, true)!;
  const agentVersion = str(body, 'agentVersion', '', M.agentVersion) ?? 'unknown';
  const createdAt = time(body, 'createdAt', '', M.createdAt);
  const raw = body.readings;
  if (!Array.isArray(raw)) fail('readings', 'must be an array');
  if (raw.length > LIMITS.readings) fail('readings', `has more than ${LIMITS.readings} entries`);
  const status = agentStatus(body.agentStatus);
  return { protocol: PROTOCOL_VERSION, type, messageId, agentId, customer, agentVersion, createdAt, readings: raw.map(reading), ...(status ? { agentStatus: status } : {}) };
}

/** The optional agentStatus, or undefined when absent or malformed (it is advisory: the readings still count). */
function agentStatus(v: unknown): AgentStatus | undefined {
  if (!isObj(v) || !isObj(v.spool)) return undefined;
  const count = (x: unknown) => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : null);
  const when = (x: unknown) => (typeof x === 'string' && x.length <= 64 && /^\d{4}-\d\d-\d\dT/.test(x) && !Number.isNaN(Date.parse(x)) ? new Date(Date.parse(x)).toISOString() : null);
  const sp = v.spool;
  const messages = count(sp.messages);
  const bytes = count(sp.bytes);
  const quarantined = count(sp.quarantined);
  if (messages === null || bytes === null || quarantined === null) return undefined;
  let lastRun: AgentStatus['lastRun'] = null;
  if (isObj(v.lastRun)) {
    const lr = v.lastRun;
    const finishedAt = when(lr.finishedAt);
    const exitCode = typeof lr.exitCode === 'number' && Number.isSafeInteger(lr.exitCode) ? lr.exitCode : null;
    if (!finishedAt || exitCode === null || typeof lr.outcome !== 'string' || !/^[A-Za-z0-9 _.-]{1,32}$/.test(lr.outcome)) return undefined;
    lastRun = { finishedAt, outcome: lr.outcome, exitCode };
  }
  return { spool: { messages, bytes, oldest: when(sp.oldest), quarantined }, lastRun };
}
