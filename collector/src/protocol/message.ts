import { MESSAGE_TYPES, PROTOCOL_VERSION, type MessageType } from './limits.js';

/**
 * The message body of docs/protocol.md, checked field by field. Whatever passes
 * is safe to store; whatever fails gets one line saying which field is wrong.
 */
export interface WireCounter { value: number; unit: string | null }

export interface WireSupply {
  index: string;
  description: string | null;
  type: string | null;
  class: string | null;
  color: string | null;
  levelPercent: number | null;
  state: string | null;
}

export interface WireAlert {
  severity: string | null;
  code: number | null;
  codeName: string | null;
  description: string | null;
}

export interface WireIdentity {
  serial: string | null; mac: string | null; vendor: string | null; model: string | null;
  firmware: string | null; ip: string | null; hostname: string | null; location: string | null;
  sysObjectID: string | null;
}

export interface WireReading {
  readAt: string;
  ok: boolean;
  error: string | null;
  reason: string | null;
  identity: WireIdentity;
  status: { device: string | null; printer: string | null; errors: string[] };
  counters: Record<string, WireCounter>;
  extraCounters: Record<string, WireCounter>;
  supplies: WireSupply[];
  alerts: WireAlert[];
  /** The reading as received, stored for later questions. */
  raw: Record<string, unknown>;
}

export interface Message {
  protocol: 1;
  type: MessageType;
  messageId: string;
  agentId: string;
  customer: string;
  agentVersion: string;
  createdAt: string;
  readings: WireReading[];
}

export class SchemaError extends Error {}

const MAX_READINGS = 10_000;
// Vendor counters keep their vendor names ("Two Color Total Count", "Scan to E-mail/FTP"): printable text, bounded.
const COUNTER_KEY = /^[^\u0000-\u001f\u007f]{1,64}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, what: string): never {
  throw new SchemaError(`${path} ${what}`);
}

function str(o: Obj, k: string, path: string, opts: { required?: boolean; max?: number } = {}): string | null {
  const v = o[k];
  if (v === undefined || v === null) {
    if (opts.required) fail(`${path}${k}`, 'is missing');
    return null;
  }
  if (typeof v !== 'string') fail(`${path}${k}`, 'must be a string');
  if (v.length > (opts.max ?? 1024)) fail(`${path}${k}`, `is longer than ${opts.max ?? 1024} characters`);
  return v;
}

function num(o: Obj, k: string, path: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}${k}`, 'must be a number');
  return v;
}

function time(o: Obj, k: string, path: string): string {
  const s = str(o, k, path, { required: true, max: 64 })!;
  const t = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\dT/.test(s) || Number.isNaN(t)) fail(`${path}${k}`, 'must be an ISO 8601 time');
  // A clock a day ahead would poison "latest" views for good.
  if (t > Date.now() + 86_400_000) fail(`${path}${k}`, 'is more than a day in the future');
  return new Date(t).toISOString();
}

function arr(o: Obj, k: string, path: string, max = 1000): unknown[] {
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
    if (!COUNTER_KEY.test(name)) fail(p, 'is not a valid counter name');
    if (!isObj(c)) fail(p, 'must be {value, unit}');
    const value = num(c, 'value', `${p}.`);
    if (value === null || !Number.isSafeInteger(value) || value < 0) fail(`${p}.value`, 'must be a whole number >= 0');
    out[name] = { value, unit: str(c, 'unit', `${p}.`, { max: 32 }) };
  }
  return out;
}

function reading(v: unknown, i: number): WireReading {
  const path = `readings[${i}].`;
  if (!isObj(v)) fail(`readings[${i}]`, 'must be an object');
  const idv = v.identity ?? {};
  if (!isObj(idv)) fail(`${path}identity`, 'must be an object');
  const ip = `${path}identity.`;
  const identity: WireIdentity = {
    serial: str(idv, 'serial', ip, { max: 128 })?.trim() || null,
    mac: str(idv, 'mac', ip, { max: 64 })?.trim().toLowerCase() || null,
    vendor: str(idv, 'vendor', ip, { max: 128 }),
    model: str(idv, 'model', ip, { max: 256 }),
    firmware: str(idv, 'firmware', ip, { max: 256 }),
    ip: str(idv, 'ip', ip, { max: 64 }),
    hostname: str(idv, 'hostname', ip, { max: 256 }),
    location: str(idv, 'location', ip, { max: 256 }),
    sysObjectID: str(idv, 'sysObjectID', ip, { max: 256 }),
  };
  const stv = v.status ?? {};
  if (!isObj(stv)) fail(`${path}status`, 'must be an object');
  const errors = arr(stv, 'errors', `${path}status.`, 64).map((e, j) => {
    if (typeof e !== 'string') fail(`${path}status.errors[${j}]`, 'must be a string');
    return e;
  });
  const okv = v.ok ?? true;
  if (typeof okv !== 'boolean') fail(`${path}ok`, 'must be true or false');
  const supplies = arr(v, 'supplies', path, 256).map((s, j): WireSupply => {
    const sp = `${path}supplies[${j}].`;
    if (!isObj(s)) fail(`${path}supplies[${j}]`, 'must be an object');
    const lp = num(s, 'levelPercent', sp);
    if (lp !== null && (lp < 0 || lp > 100)) fail(`${sp}levelPercent`, 'must be 0-100 or null');
    const hr = num(s, 'hrDeviceIndex', sp);
    const ix = num(s, 'index', sp);
    const description = str(s, 'description', sp);
    return {
      index: ix !== null ? `${hr ?? 1}.${ix}` : `#${j}:${description ?? ''}`,
      description,
      type: str(s, 'type', sp, { max: 64 }),
      class: str(s, 'class', sp, { max: 32 }),
      color: str(s, 'color', sp, { max: 64 }),
      levelPercent: lp,
      state: str(s, 'state', sp, { max: 32 }),
    };
  });
  const alerts = arr(v, 'alerts', path, 256).map((a, j): WireAlert => {
    const ap = `${path}alerts[${j}].`;
    if (!isObj(a)) fail(`${path}alerts[${j}]`, 'must be an object');
    const code = num(a, 'code', ap);
    if (code !== null && !Number.isSafeInteger(code)) fail(`${ap}code`, 'must be a whole number');
    return {
      severity: str(a, 'severity', ap, { max: 64 }),
      code,
      codeName: str(a, 'codeName', ap, { max: 128 }),
      description: str(a, 'description', ap),
    };
  });
  return {
    readAt: time(v, 'readAt', path),
    ok: okv,
    error: str(v, 'error', path),
    reason: str(v, 'reason', path, { max: 32 }),
    identity,
    status: { device: str(stv, 'device', `${path}status.`, { max: 32 }), printer: str(stv, 'printer', `${path}status.`, { max: 32 }), errors },
    counters: counters(v, 'counters', path),
    extraCounters: counters(v, 'extraCounters', path),
    supplies,
    alerts,
    raw: v,
  };
}

/** Checks a parsed body against the protocol; `headerAgent` is X-AMR-Agent. */
export function parseMessage(body: unknown, headerAgent: string): Message {
  if (!isObj(body)) fail('body', 'must be a JSON object');
  if (body.protocol !== PROTOCOL_VERSION) fail('protocol', `must be ${PROTOCOL_VERSION}`);
  const type = str(body, 'type', '', { required: true, max: 32 }) as MessageType;
  if (!MESSAGE_TYPES.includes(type)) fail('type', `must be one of ${MESSAGE_TYPES.join(', ')}`);
  const messageId = str(body, 'messageId', '', { required: true, max: 128 })!;
  if (!ID.test(messageId)) fail('messageId', 'must be 1-128 letters, digits, ".", "_", ":", "@" or "-"');
  const agentId = str(body, 'agentId', '', { required: true, max: 128 })!;
  if (agentId !== headerAgent) fail('agentId', 'differs from the X-AMR-Agent header');
  const customer = str(body, 'customer', '', { required: true, max: 128 })!;
  const agentVersion = str(body, 'agentVersion', '', { max: 64 }) ?? 'unknown';
  const createdAt = time(body, 'createdAt', '');
  const raw = body.readings;
  if (!Array.isArray(raw)) fail('readings', 'must be an array');
  if (raw.length > MAX_READINGS) fail('readings', `has more than ${MAX_READINGS} entries`);
  return { protocol: 1, type, messageId, agentId, customer, agentVersion, createdAt, readings: raw.map(reading) };
}
