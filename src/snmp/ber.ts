/**
 * BER codec for SNMP messages (RFC 1157 v1, RFC 1901/3416 v2c, RFC 3412/3414 v3).
 * Pure: buffers in, plain objects out. The decoder reads a fixed schema, never
 * recursing on input, and throws `BerError` on anything malformed (truncated or
 * oversized lengths, wrong tags, impossible values), so hostile packets cannot
 * crash or stall a caller.
 */
import type { VarType, Varbind } from './types.js';

export class BerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerError';
  }
}

/** Wire values of msgVersion: 0 is SNMPv1, 1 is SNMPv2c, 3 is SNMPv3. */

// Universal and application tags (RFC 2578 / RFC 3416).
const T_INTEGER = 0x02, T_OCTETS = 0x04, T_NULL = 0x05, T_OID = 0x06, T_SEQUENCE = 0x30;
const T_IPADDR = 0x40, T_COUNTER32 = 0x41, T_GAUGE32 = 0x42, T_TIMETICKS = 0x43, T_OPAQUE = 0x44, T_COUNTER64 = 0x46;
const T_NOSUCHOBJECT = 0x80, T_NOSUCHINSTANCE = 0x81, T_ENDOFMIBVIEW = 0x82;

const VALUE_TAGS: Record<VarType, number> = {
  Integer: T_INTEGER, OctetString: T_OCTETS, Null: T_NULL, OID: T_OID, IpAddress: T_IPADDR,
  Counter32: T_COUNTER32, Gauge32: T_GAUGE32, TimeTicks: T_TIMETICKS, Opaque: T_OPAQUE, Counter64: T_COUNTER64,
  NoSuchObject: T_NOSUCHOBJECT, NoSuchInstance: T_NOSUCHINSTANCE, EndOfMibView: T_ENDOFMIBVIEW,
};
const TAG_VALUES = new Map<number, VarType>(Object.entries(VALUE_TAGS).map(([t, tag]) => [tag, t as VarType]));

const PDU_TAGS = {
  GetRequest: 0xa0, GetNextRequest: 0xa1, Response: 0xa2, SetRequest: 0xa3, TrapV1: 0xa4,
  GetBulkRequest: 0xa5, InformRequest: 0xa6, TrapV2: 0xa7, Report: 0xa8,
} as const;
export type PduType = keyof typeof PDU_TAGS;
const PDU_TYPES = new Map<number, PduType>(Object.entries(PDU_TAGS).map(([t, tag]) => [tag, t as PduType]));

/** error-status values (RFC 3416 section 3; 0-5 are also SNMPv1's). */
export const ErrorStatus = {
  noError: 0, tooBig: 1, noSuchName: 2, badValue: 3, readOnly: 4, genErr: 5, noAccess: 6, wrongType: 7,
  wrongLength: 8, wrongEncoding: 9, wrongValue: 10, noCreation: 11, inconsistentValue: 12,
  resourceUnavailable: 13, commitFailed: 14, undoFailed: 15, authorizationError: 16, notWritable: 17,
  inconsistentName: 18,
} as const;

/** Every PDU but GetBulk and the v1 Trap. */
export interface BasicPdu {
  type: Exclude<PduType, 'GetBulkRequest' | 'TrapV1'>;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: Varbind[];
}
/** GetBulk reuses the error fields on the wire as non-repeaters and max-repetitions (RFC 3416 4.2.3). */
export interface BulkPdu {
  type: 'GetBulkRequest';
  requestId: number;
  nonRepeaters: number;
  maxRepetitions: number;
  varbinds: Varbind[];
}
export type Pdu = BasicPdu | BulkPdu;

export interface CommunityMessage {
  version: 0 | 1;
  community: Buffer | string;
  pdu: Pdu;
}

/** UsmSecurityParameters (RFC 3414 section 2.4). */
export interface UsmSecurityParameters {
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  userName: Buffer;
  authParams: Buffer;
  privParams: Buffer;
}

export interface ScopedPdu {
  contextEngineId: Buffer;
  contextName: Buffer;
  pdu: Pdu;
}

/** msgFlags bits (RFC 3412 section 6.4). */
export const FLAG_AUTH = 1, FLAG_PRIV = 2, FLAG_REPORTABLE = 4;
export const SECURITY_MODEL_USM = 3;

export interface V3Message {
  version: 3;
  msgId: number;
  msgMaxSize: number;
  msgFlags: number;
  securityModel: number;
  usm: UsmSecurityParameters;
  /** The plaintext ScopedPDU, or the encryptedPDU octets when the priv flag is set. */
  data: ScopedPdu | Buffer;
  /** Set by the decoder: where msgAuthenticationParameters' octets start in the input buffer. */
  authParamsOffset?: number;
}

export type Message = CommunityMessage | V3Message;

// ---------------------------------------------------------------------------
// Encoding

function lengthBytes(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

/** Header (tag + length) of a TLV whose content is `len` octets. */
function header(tag: number, len: number): Buffer {
  const ll = lengthBytes(len);
  const h = Buffer.allocUnsafe(1 + ll);
  h[0] = tag;
  if (ll === 1) h[1] = len;
  else {
    h[1] = 0x80 | (ll - 1);
    for (let i = ll - 1, v = len; i >= 1; i--, v = Math.floor(v / 256)) h[1 + i] = v & 0xff;
  }
  return h;
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([header(tag, content.length), content]);
}

function seq(tag: number, parts: Buffer[]): Buffer {
  let len = 0;
  for (const p of parts) len += p.length;
  return Buffer.concat([header(tag, len), ...parts], len + 1 + lengthBytes(len));
}

/** Minimal two's complement of a signed integer. */
function signedBytes(v: bigint): Buffer {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0xffn);
    out.unshift(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Buffer.from(out);
}

function encodeInt(tag: number, v: number | bigint): Buffer {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new BerError(`not an integer: ${v}`);
    // Fast path for the common small, non-negative case.
    if (v >= 0 && v < 0x80) return Buffer.from([tag, 1, v]);
    v = BigInt(v);
  }
  return tlv(tag, signedBytes(v));
}

function encodeUnsigned(tag: number, v: unknown, bits: 32 | 64): Buffer {
  const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null;
  if (n === null || n < 0n || n >= 1n << BigInt(bits)) throw new BerError(`value ${String(v)} out of range for unsigned${bits}`);
  return tlv(tag, signedBytes(n));
}

function encodeOidContent(oid: string): Buffer {
  const arcs = oid.replace(/^\./, '').split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0 || a > 0xffffffff)
    || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! >= 40)) {
    throw new BerError(`bad OID "${oid}"`);
  }
  const out: number[] = [];
  const push = (n: number) => {
    const tmp = [n & 0x7f];
    for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) tmp.unshift(0x80 | (n & 0x7f));
    out.push(...tmp);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (let i = 2; i < arcs.length; i++) push(arcs[i]!);
  return Buffer.from(out);
}

function encodeOid(oid: string): Buffer {
  return tlv(T_OID, encodeOidContent(oid));
}

function toBuffer(v: unknown, what: string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new BerError(`${what} needs a Buffer or string`);
}

function encodeValue(vb: Varbind): Buffer {
  const v = vb.value;
  switch (vb.type) {
    case 'Integer':
      if (typeof v !== 'number' && typeof v !== 'bigint') throw new BerError(`Integer ${vb.oid} needs a number`);
      return encodeInt(T_INTEGER, v);
    case 'OctetString': return tlv(T_OCTETS, toBuffer(v, `OctetString ${vb.oid}`));
    case 'Opaque': return tlv(T_OPAQUE, toBuffer(v, `Opaque ${vb.oid}`));
    case 'OID':
      if (typeof v !== 'string') throw new BerError(`OID value of ${vb.oid} needs a string`);
      return encodeOid(v);
    case 'IpAddress': {
      let bytes: Buffer;
      if (Buffer.isBuffer(v)) bytes = v;
      else if (typeof v === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(v) && v.split('.').every((p) => Number(p) < 256)) {
        bytes = Buffer.from(v.split('.').map(Number));
      } else throw new BerError(`bad IpAddress "${String(v)}" at ${vb.oid}`);
      if (bytes.length !== 4) throw new BerError(`IpAddress at ${vb.oid} needs 4 octets`);
      return tlv(T_IPADDR, bytes);
    }
    case 'Counter32': return encodeUnsigned(T_COUNTER32, v, 32);
    case 'Gauge32': return encodeUnsigned(T_GAUGE32, v, 32);
    case 'TimeTicks': return encodeUnsigned(T_TIMETICKS, v, 32);
    case 'Counter64': return encodeUnsigned(T_COUNTER64, v, 64);
    case 'Null': case 'NoSuchObject': case 'NoSuchInstance': case 'EndOfMibView':
      return Buffer.from([VALUE_TAGS[vb.type], 0]);
    default:
      throw new BerError(`unknown type ${String((vb as Varbind).type)}`);
  }
}

export function encodeVarbind(vb: Varbind): Buffer {
  return seq(T_SEQUENCE, [encodeOid(vb.oid), encodeValue(vb)]);
}

function encodeVarbindList(varbinds: readonly Varbind[]): Buffer {
  return seq(T_SEQUENCE, varbinds.map(encodeVarbind));
}

export function encodePdu(pdu: Pdu, encodedVarbinds?: Buffer[]): Buffer {
  const vbl = encodedVarbinds ? seq(T_SEQUENCE, encodedVarbinds) : encodeVarbindList(pdu.varbinds);
  const a = pdu.type === 'GetBulkRequest' ? pdu.nonRepeaters : pdu.errorStatus;
  const b = pdu.type === 'GetBulkRequest' ? pdu.maxRepetitions : pdu.errorIndex;
  const tag: number = PDU_TAGS[pdu.type];
  return seq(tag, [encodeInt(T_INTEGER, pdu.requestId), encodeInt(T_INTEGER, a), encodeInt(T_INTEGER, b), vbl]);
}

export function encodeScopedPdu(s: ScopedPdu, encodedPdu?: Buffer): Buffer {
  return seq(T_SEQUENCE, [tlv(T_OCTETS, s.contextEngineId), tlv(T_OCTETS, s.contextName), encodedPdu ?? encodePdu(s.pdu)]);
}

export function encodeCommunityMessage(msg: CommunityMessage, encodedPdu?: Buffer): Buffer {
  return seq(T_SEQUENCE, [encodeInt(T_INTEGER, msg.version), tlv(T_OCTETS, toBuffer(msg.community, 'community')), encodedPdu ?? encodePdu(msg.pdu)]);
}

/**
 * Encode a v3 message. `usm.authParams` goes out as given (callers put zeros of the
 * digest length there, then write the HMAC at `authParamsOffset`, RFC 3414 6.3.1).
 */
export function encodeV3Message(msg: V3Message): { bytes: Buffer; authParamsOffset: number } {
  const u = msg.usm;
  const beforeAuth = [tlv(T_OCTETS, u.engineId), encodeInt(T_INTEGER, u.engineBoots), encodeInt(T_INTEGER, u.engineTime), tlv(T_OCTETS, u.userName)];
  const authHeader = header(T_OCTETS, u.authParams.length);
  const usmParts = [...beforeAuth, authHeader, u.authParams, tlv(T_OCTETS, u.privParams)];
  const usmSeq = seq(T_SEQUENCE, usmParts);
  const secParams = tlv(T_OCTETS, usmSeq);
  const global = seq(T_SEQUENCE, [
    encodeInt(T_INTEGER, msg.msgId), encodeInt(T_INTEGER, msg.msgMaxSize),
    tlv(T_OCTETS, Buffer.from([msg.msgFlags & 0xff])), encodeInt(T_INTEGER, msg.securityModel),
  ]);
  const data = Buffer.isBuffer(msg.data) ? tlv(T_OCTETS, msg.data) : encodeScopedPdu(msg.data);
  const version = encodeInt(T_INTEGER, 3);
  const bytes = seq(T_SEQUENCE, [version, global, secParams, data]);
  // Where the auth octets land: the secParams TLV starts right before the data, then
  // come its header, the USM SEQUENCE header, the fields before auth and auth's header.
  let usmContent = 0;
  for (const p of usmParts) usmContent += p.length;
  let off = bytes.length - data.length - secParams.length;
  off += (secParams.length - usmSeq.length) + (usmSeq.length - usmContent);
  for (const p of beforeAuth) off += p.length;
  off += authHeader.length;
  return { bytes, authParamsOffset: off };
}

export function encodeMessage(msg: Message): Buffer {
  return msg.version === 3 ? encodeV3Message(msg).bytes : encodeCommunityMessage(msg);
}

/** Fast path for a sweeper: a v1/v2c GetRequest with Null values. */
export function encodeGetRequest(opts: { version: 0 | 1; community: string | Buffer; requestId: number; oids: readonly string[] }): Buffer {
  return encodeRequest('GetRequest', opts);
}

export function encodeGetNextRequest(opts: { version: 0 | 1; community: string | Buffer; requestId: number; oids: readonly string[] }): Buffer {
  return encodeRequest('GetNextRequest', opts);
}

export function encodeGetBulkRequest(opts: {
  version: 1; community: string | Buffer; requestId: number; oids: readonly string[]; nonRepeaters?: number; maxRepetitions: number;
}): Buffer {
  const varbinds = opts.oids.map((oid): Varbind => ({ oid, type: 'Null', value: null }));
  return encodeCommunityMessage({
    version: opts.version, community: opts.community,
    pdu: { type: 'GetBulkRequest', requestId: opts.requestId, nonRepeaters: opts.nonRepeaters ?? 0, maxRepetitions: opts.maxRepetitions, varbinds },
  });
}

function encodeRequest(type: 'GetRequest' | 'GetNextRequest', opts: { version: 0 | 1; community: string | Buffer; requestId: number; oids: readonly string[] }): Buffer {
  const varbinds = opts.oids.map((oid): Varbind => ({ oid, type: 'Null', value: null }));
  return encodeCommunityMessage({ version: opts.version, community: opts.community, pdu: { type, requestId: opts.requestId, errorStatus: 0, errorIndex: 0, varbinds } });
}

// ---------------------------------------------------------------------------
// Decoding

/** A cursor over buf[pos, end). Offsets stay absolute so callers can locate fields. */
class Reader {
  constructor(readonly buf: Buffer, public pos: number, readonly end: number) {}

  get done(): boolean { return this.pos >= this.end; }

  peekTag(): number {
    if (this.pos >= this.end) throw new BerError('truncated: expected a tag');
    return this.buf[this.pos]!;
  }

  /** Read tag and length; returns the content's [start, end). */
  readHeader(expected?: number, what = 'value'): { tag: number; start: number; end: number } {
    const tag = this.peekTag();
    if (expected !== undefined && tag !== expected) {
      throw new BerError(`${what}: expected tag 0x${expected.toString(16)}, got 0x${tag.toString(16)}`);
    }
    if ((tag & 0x1f) === 0x1f) throw new BerError(`${what}: multi-octet tags are not used by SNMP`);
    let p = this.pos + 1;
    if (p >= this.end) throw new BerError(`${what}: truncated length`);
    let len = this.buf[p++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw new BerError(`${what}: indefinite length is not allowed`);
      if (n > 4) throw new BerError(`${what}: length of ${n} octets is too large`);
      if (p + n > this.end) throw new BerError(`${what}: truncated length`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.buf[p++]!;
    }
    if (len > this.end - p) throw new BerError(`${what}: length ${len} exceeds the ${this.end - p} octets left`);
    this.pos = p + len;
    return { tag, start: p, end: p + len };
  }

  sub(expected: number, what: string): Reader {
    const h = this.readHeader(expected, what);
    return new Reader(this.buf, h.start, h.end);
  }

  octets(what: string): Buffer {
    const h = this.readHeader(T_OCTETS, what);
    return this.buf.subarray(h.start, h.end);
  }

  int(what: string): number {
    const h = this.readHeader(T_INTEGER, what);
    return readSigned(this.buf, h.start, h.end, what);
  }
}

function readSigned(buf: Buffer, start: number, end: number, what: string): number {
  const len = end - start;
  if (len === 0) throw new BerError(`${what}: empty integer`);
  if (len > 6) throw new BerError(`${what}: integer of ${len} octets is too large`);
  let v = buf[start]! & 0x80 ? -1 : 0;
  for (let i = start; i < end; i++) v = v * 256 + buf[i]!; // the -1 seed makes it two's complement
  return v;
}

/** Unsigned value of an INTEGER-like content, reduced modulo 2^bits (buggy agents omit the leading 0). */
function readUnsigned(buf: Buffer, start: number, end: number, bits: 32 | 64, what: string): bigint {
  const len = end - start;
  if (len === 0) throw new BerError(`${what}: empty integer`);
  if (len > bits / 8 + 1) throw new BerError(`${what}: ${len} octets is too large for ${bits} bits`);
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(buf[i]!);
  return v & ((1n << BigInt(bits)) - 1n);
}

function readOid(buf: Buffer, start: number, end: number, what: string): string {
  if (end === start) throw new BerError(`${what}: empty OID`);
  const arcs: number[] = [];
  let v = 0;
  let pending = false;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (!pending && b === 0x80) throw new BerError(`${what}: non-minimal OID subidentifier`);
    v = v * 128 + (b & 0x7f);
    if (v > 0xffffffff + 80) throw new BerError(`${what}: OID subidentifier too large`);
    if (b & 0x80) { pending = true; continue; }
    if (arcs.length === 0) {
      if (v < 80) arcs.push(Math.floor(v / 40), v % 40);
      else arcs.push(2, v - 80);
    } else {
      if (v > 0xffffffff) throw new BerError(`${what}: OID subidentifier too large`);
      arcs.push(v);
    }
    if (arcs.length > 128) throw new BerError(`${what}: OID longer than 128 subidentifiers`);
    v = 0;
    pending = false;
  }
  if (pending) throw new BerError(`${what}: truncated OID`);
  return arcs.join('.');
}

function readVarbind(r: Reader): Varbind {
  const vb = r.sub(T_SEQUENCE, 'varbind');
  const o = vb.readHeader(T_OID, 'varbind name');
  const oid = readOid(vb.buf, o.start, o.end, 'varbind name');
  const v = vb.readHeader(undefined, `value of ${oid}`);
  const type = TAG_VALUES.get(v.tag);
  if (!type) throw new BerError(`value of ${oid}: unknown tag 0x${v.tag.toString(16)}`);
  const what = `value of ${oid}`;
  const buf = vb.buf;
  switch (type) {
    case 'Integer': return { oid, type, value: readSigned(buf, v.start, v.end, what) };
    case 'OctetString': case 'Opaque': return { oid, type, value: Buffer.from(buf.subarray(v.start, v.end)) };
    case 'OID': return { oid, type, value: readOid(buf, v.start, v.end, what) };
    case 'IpAddress':
      if (v.end - v.start !== 4) throw new BerError(`${what}: IpAddress of ${v.end - v.start} octets`);
      return { oid, type, value: [...buf.subarray(v.start, v.end)].join('.') };
    case 'Counter32': case 'Gauge32': case 'TimeTicks':
      return { oid, type, value: Number(readUnsigned(buf, v.start, v.end, 32, what)) };
    case 'Counter64': return { oid, type, value: readUnsigned(buf, v.start, v.end, 64, what) };
    default: return { oid, type, value: null }; // Null and the three exceptions carry no value
  }
}

function readPdu(r: Reader): Pdu {
  const tag = r.peekTag();
  const type = PDU_TYPES.get(tag);
  if (!type) throw new BerError(`unknown PDU tag 0x${tag.toString(16)}`);
  if (type === 'TrapV1') throw new BerError('SNMPv1 Trap PDUs are not supported');
  const p = r.sub(tag, type);
  const requestId = p.int('request-id');
  const a = p.int('error-status');
  const b = p.int('error-index');
  const list = p.sub(T_SEQUENCE, 'varbind list');
  const varbinds: Varbind[] = [];
  while (!list.done) varbinds.push(readVarbind(list));
  if (type === 'GetBulkRequest') return { type, requestId, nonRepeaters: a, maxRepetitions: b, varbinds };
  return { type, requestId, errorStatus: a, errorIndex: b, varbinds };
}

function readScopedPdu(r: Reader): ScopedPdu {
  const s = r.sub(T_SEQUENCE, 'ScopedPDU');
  const contextEngineId = Buffer.from(s.octets('contextEngineID'));
  const contextName = Buffer.from(s.octets('contextName'));
  return { contextEngineId, contextName, pdu: readPdu(s) };
}

/** Decode a plaintext ScopedPDU (after decryption; trailing padding is ignored). */
export function decodeScopedPdu(buf: Buffer): ScopedPdu {
  return readScopedPdu(new Reader(buf, 0, buf.length));
}

/** Decode any SNMP message. Bytes after the outer SEQUENCE are ignored. */
export function decodeMessage(buf: Buffer): Message {
  const top = new Reader(buf, 0, buf.length).sub(T_SEQUENCE, 'message');
  const version = top.int('version');
  if (version === 0 || version === 1) {
    const community = Buffer.from(top.octets('community'));
    return { version, community, pdu: readPdu(top) };
  }
  if (version !== 3) throw new BerError(`unsupported SNMP version ${version}`);
  const g = top.sub(T_SEQUENCE, 'msgGlobalData');
  const msgId = g.int('msgID');
  const msgMaxSize = g.int('msgMaxSize');
  const flags = g.octets('msgFlags');
  if (flags.length !== 1) throw new BerError('msgFlags must be one octet');
  const securityModel = g.int('msgSecurityModel');
  const sp = top.sub(T_OCTETS, 'msgSecurityParameters');
  const usmR = sp.sub(T_SEQUENCE, 'UsmSecurityParameters');
  const engineId = Buffer.from(usmR.octets('msgAuthoritativeEngineID'));
  const engineBoots = usmR.int('msgAuthoritativeEngineBoots');
  const engineTime = usmR.int('msgAuthoritativeEngineTime');
  const userName = Buffer.from(usmR.octets('msgUserName'));
  const ah = usmR.readHeader(T_OCTETS, 'msgAuthenticationParameters');
  const authParams = Buffer.from(buf.subarray(ah.start, ah.end));
  const privParams = Buffer.from(usmR.octets('msgPrivacyParameters'));
  const msgFlags = flags[0]!;
  const data = top.peekTag() === T_OCTETS ? Buffer.from(top.octets('encryptedPDU')) : readScopedPdu(top);
  return {
    version: 3, msgId, msgMaxSize, msgFlags, securityModel,
    usm: { engineId, engineBoots, engineTime, userName, authParams, privParams },
    data, authParamsOffset: ah.start,
  };
}

export interface DecodedResponse {
  version: 0 | 1;
  community: Buffer;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: Varbind[];
}

/** Fast path for a sweeper: decode a v1/v2c Response; anything else is a BerError. */
export function decodeResponse(buf: Buffer): DecodedResponse {
  const msg = decodeMessage(buf);
  if (msg.version === 3) throw new BerError('expected a v1/v2c message, got SNMPv3');
  const pdu = msg.pdu;
  if (pdu.type !== 'Response') throw new BerError(`expected a Response PDU, got ${pdu.type}`);
  return {
    version: msg.version, community: msg.community as Buffer, requestId: pdu.requestId,
    errorStatus: pdu.errorStatus, errorIndex: pdu.errorIndex, varbinds: pdu.varbinds,
  };
}
