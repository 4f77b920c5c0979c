/**
 * SNMPv3 User-based Security Model (RFC 3414), with the SHA-2 authentication of
 * RFC 7860 and AES privacy of RFC 3826. Symmetric: an agent (the simulator) and a
 * manager (the sweeper) both seal outgoing and open incoming messages with it.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  BerError, FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE, SECURITY_MODEL_USM, decodeScopedPdu, encodeScopedPdu, encodeV3Message,
  type Pdu, type ScopedPdu, type V3Message,
} from './ber.js';

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
/** aes192/aes256 extend the key as Blumenthal's draft does; aes192c/aes256c as Reeder's ("Cisco") does. */
export type PrivProtocol = 'des' | 'aes' | 'aes192' | 'aes256' | 'aes192c' | 'aes256c';
export type SecurityLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

export const AUTH_PROTOCOLS: readonly AuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'];
export const PRIV_PROTOCOLS: readonly PrivProtocol[] = ['des', 'aes', 'aes192', 'aes256', 'aes192c', 'aes256c'];

/** Node hash name and the truncated HMAC length sent on the wire (RFC 3414 6/7, RFC 7860 4.2.2). */
const AUTH: Record<AuthProtocol, { hash: string; macLength: number }> = {
  md5: { hash: 'md5', macLength: 12 },
  sha: { hash: 'sha1', macLength: 12 },
  sha224: { hash: 'sha224', macLength: 16 },
  sha256: { hash: 'sha256', macLength: 24 },
  sha384: { hash: 'sha384', macLength: 32 },
  sha512: { hash: 'sha512', macLength: 48 },
};

const PRIV: Record<PrivProtocol, { keyLength: number; extension: 'none' | 'blumenthal' | 'reeder' }> = {
  des: { keyLength: 16, extension: 'none' }, // 8 key octets + 8 pre-IV octets (RFC 3414 8.1.1.1)
  aes: { keyLength: 16, extension: 'none' },
  aes192: { keyLength: 24, extension: 'blumenthal' },
  aes256: { keyLength: 32, extension: 'blumenthal' },
  aes192c: { keyLength: 24, extension: 'reeder' },
  aes256c: { keyLength: 32, extension: 'reeder' },
};

/** usmStats counters a Report carries (RFC 3414 section 5, usmStats 1.3.6.1.6.3.15.1.1). */
export const USM_STATS_OIDS = {
  unsupportedSecLevel: '1.3.6.1.6.3.15.1.1.1.0',
  notInTimeWindow: '1.3.6.1.6.3.15.1.1.2.0',
  unknownUserName: '1.3.6.1.6.3.15.1.1.3.0',
  unknownEngineID: '1.3.6.1.6.3.15.1.1.4.0',
  wrongDigest: '1.3.6.1.6.3.15.1.1.5.0',
  decryptionError: '1.3.6.1.6.3.15.1.1.6.0',
} as const;
export type UsmReason = keyof typeof USM_STATS_OIDS;

export class UsmError extends Error {
  constructor(readonly reason: UsmReason, message: string = reason) {
    super(message);
    this.name = 'UsmError';
  }
}

/** Which usmStats a Report PDU announces, if any. */
export function reportReason(pdu: Pdu): UsmReason | null {
  const oid = pdu.varbinds[0]?.oid;
  for (const [reason, o] of Object.entries(USM_STATS_OIDS)) if (o === oid) return reason as UsmReason;
  return null;
}

// ---------------------------------------------------------------------------
// Keys

const kuCache = new Map<string, Buffer>();

/** Ku: the hash of the password repeated to 1 MiB (RFC 3414 A.2). Engine independent, so cached. */
export function passwordToKey(proto: AuthProtocol, password: string | Buffer): Buffer {
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (pw.length === 0) throw new Error('SNMPv3 password must not be empty');
  const cacheKey = `${proto}:${pw.toString('hex')}`;
  const hit = kuCache.get(cacheKey);
  if (hit) return hit;
  // Buffer.alloc with a fill value repeats the password across the whole megabyte.
  const h = createHash(AUTH[proto].hash).update(Buffer.alloc(1 << 20, pw));
  const ku = h.digest();
  if (kuCache.size > 1000) kuCache.clear();
  kuCache.set(cacheKey, ku);
  return ku;
}

/** Kul = H(Ku || engineID || Ku) (RFC 3414 A.2). */
function localizeKey(proto: AuthProtocol, ku: Buffer, engineId: Buffer): Buffer {
  return createHash(AUTH[proto].hash).update(ku).update(engineId).update(ku).digest();
}

export function localizedKey(proto: AuthProtocol, password: string | Buffer, engineId: Buffer): Buffer {
  return localizeKey(proto, passwordToKey(proto, password), engineId);
}

/** The localized privacy key, extended to the cipher's length when the auth hash is too short. */
export function privKeyFor(priv: PrivProtocol, auth: AuthProtocol, password: string | Buffer, engineId: Buffer): Buffer {
  const { keyLength, extension } = PRIV[priv];
  let key = localizedKey(auth, password, engineId);
  if (extension === 'blumenthal') {
    // Kul' = Kul || H(Kul) || H(Kul || H(Kul)) ... (draft-blumenthal-aes-usm-04 3.1.2.1)
    while (key.length < keyLength) key = Buffer.concat([key, createHash(AUTH[auth].hash).update(key).digest()]);
  } else if (extension === 'reeder') {
    // Each next block is the previous localized key used as a password (draft-reeder-snmpv3-usm-3desede 2.1).
    let last = key;
    while (key.length < keyLength) {
      last = localizedKey(auth, last, engineId);
      key = Buffer.concat([key, last]);
    }
  }
  if (key.length < keyLength) throw new Error(`${auth} keys are too short for ${priv}`);
  return key.subarray(0, keyLength);
}

export interface UsmUser {
  name: string;
  authProtocol?: AuthProtocol;
  /** Authentication password. */
  authKey?: string;
  privProtocol?: PrivProtocol;
  /** Privacy password. */
  privKey?: string;
}

/** A user's keys localized to one engine: what sealing and opening messages need. */
export interface LocalizedUser {
  name: Buffer;
  level: SecurityLevel;
  authProtocol?: AuthProtocol;
  authKey?: Buffer;
  privProtocol?: PrivProtocol;
  privKey?: Buffer;
}

function userLevel(u: UsmUser): SecurityLevel {
  if (!u.authProtocol || !u.authKey) return 'noAuthNoPriv';
  return u.privProtocol && u.privKey ? 'authPriv' : 'authNoPriv';
}

export function localizeUser(u: UsmUser, engineId: Buffer): LocalizedUser {
  const level = userLevel(u);
  const out: LocalizedUser = { name: Buffer.from(u.name, 'utf8'), level };
  if (level !== 'noAuthNoPriv') {
    out.authProtocol = u.authProtocol!;
    out.authKey = localizedKey(u.authProtocol!, u.authKey!, engineId);
  }
  if (level === 'authPriv') {
    out.privProtocol = u.privProtocol!;
    out.privKey = privKeyFor(u.privProtocol!, u.authProtocol!, u.privKey!, engineId);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Authentication and privacy primitives

export function authMacLength(proto: AuthProtocol): number {
  return AUTH[proto].macLength;
}

function computeDigest(proto: AuthProtocol, key: Buffer, wholeMessage: Buffer): Buffer {
  return createHmac(AUTH[proto].hash, key).update(wholeMessage).digest().subarray(0, AUTH[proto].macLength);
}

let saltCounter = randomBytes(8).readBigUInt64BE();
function nextSalt64(): bigint {
  saltCounter = (saltCounter + 1n) & 0xffffffffffffffffn;
  return saltCounter;
}

/** Single DES through OpenSSL's DES-EDE with K1 = K2 (E_K D_K E_K = E_K); OpenSSL 3 hides plain des-cbc. */
function desCipher(decrypt: boolean, key: Buffer, iv: Buffer) {
  const k = Buffer.concat([key, key]);
  try {
    const c = decrypt ? createDecipheriv('des-ede-cbc', k, iv) : createCipheriv('des-ede-cbc', k, iv);
    c.setAutoPadding(false);
    return c;
  } catch (error) {
    throw new Error(`DES privacy is not available in this Node/OpenSSL build (${(error as Error).message}); use AES`);
  }
}

function aesName(priv: PrivProtocol): string {
  return `aes-${PRIV[priv].keyLength * 8}-cfb`;
}

/** Encrypt a serialized ScopedPDU; returns the encryptedPDU and msgPrivacyParameters (the salt). */
export function encryptPdu(priv: PrivProtocol, key: Buffer, engineBoots: number, engineTime: number, plaintext: Buffer): { ciphertext: Buffer; privParams: Buffer } {
  if (priv === 'des') {
    // RFC 3414 8.1.1.1: salt = engineBoots || local counter; IV = pre-IV XOR salt; pad to 8 octets.
    const salt = Buffer.alloc(8);
    salt.writeUInt32BE(engineBoots >>> 0, 0);
    salt.writeUInt32BE(Number(nextSalt64() & 0xffffffffn), 4);
    const iv = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) iv[i] = key[8 + i]! ^ salt[i]!;
    const padded = Buffer.alloc(Math.ceil(plaintext.length / 8) * 8);
    plaintext.copy(padded);
    const c = desCipher(false, key.subarray(0, 8), iv);
    return { ciphertext: Buffer.concat([c.update(padded), c.final()]), privParams: salt };
  }
  // RFC 3826 3.1.2.1: IV = engineBoots || engineTime || 64-bit salt; CFB needs no padding.
  const salt = Buffer.alloc(8);
  salt.writeBigUInt64BE(nextSalt64());
  const iv = aesIv(engineBoots, engineTime, salt);
  const c = createCipheriv(aesName(priv), key.subarray(0, PRIV[priv].keyLength), iv);
  return { ciphertext: Buffer.concat([c.update(plaintext), c.final()]), privParams: salt };
}

function aesIv(engineBoots: number, engineTime: number, salt: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(engineBoots >>> 0, 0);
  iv.writeUInt32BE(engineTime >>> 0, 4);
  salt.copy(iv, 8);
  return iv;
}

/** Decrypt an encryptedPDU; throws UsmError('decryptionError') when the parameters cannot be right. */
export function decryptPdu(priv: PrivProtocol, key: Buffer, engineBoots: number, engineTime: number, privParams: Buffer, ciphertext: Buffer): Buffer {
  if (privParams.length !== 8) throw new UsmError('decryptionError', 'msgPrivacyParameters must be 8 octets');
  if (priv === 'des') {
    if (ciphertext.length % 8 !== 0) throw new UsmError('decryptionError', 'DES ciphertext is not a multiple of 8 octets');
    const iv = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) iv[i] = key[8 + i]! ^ privParams[i]!;
    const d = desCipher(true, key.subarray(0, 8), iv);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  }
  const d = createDecipheriv(aesName(priv), key.subarray(0, PRIV[priv].keyLength), aesIv(engineBoots, engineTime, privParams));
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

// ---------------------------------------------------------------------------
// Whole messages

function levelFlags(level: SecurityLevel): number {
  return level === 'authPriv' ? FLAG_AUTH | FLAG_PRIV : level === 'authNoPriv' ? FLAG_AUTH : 0;
}

/** The security level msgFlags ask for; null for the invalid priv-without-auth (RFC 3412 7.2 step 5). */
export function flagsLevel(flags: number): SecurityLevel | null {
  const auth = (flags & FLAG_AUTH) !== 0;
  const priv = (flags & FLAG_PRIV) !== 0;
  if (priv && !auth) return null;
  return priv ? 'authPriv' : auth ? 'authNoPriv' : 'noAuthNoPriv';
}

export interface SealOptions {
  msgId: number;
  msgMaxSize?: number;
  reportable: boolean;
  level: SecurityLevel;
  /** The authoritative engine: the agent's own for responses, the discovered one for requests. */
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  /** Keys are needed above noAuthNoPriv; for noAuthNoPriv only the name is used. */
  user: LocalizedUser | { name: Buffer | string };
  scopedPdu: ScopedPdu;
}

/** Encode a v3 message, encrypting and authenticating it as `level` asks (RFC 3414 3.1). */
export function sealMessage(o: SealOptions): Buffer {
  const name = typeof o.user.name === 'string' ? Buffer.from(o.user.name, 'utf8') : o.user.name;
  const keys = o.user as LocalizedUser;
  if (o.level !== 'noAuthNoPriv' && (!keys.authProtocol || !keys.authKey)) throw new Error(`user has no authentication key for ${o.level}`);
  if (o.level === 'authPriv' && (!keys.privProtocol || !keys.privKey)) throw new Error('user has no privacy key for authPriv');
  let data: ScopedPdu | Buffer = o.scopedPdu;
  let privParams: Buffer = Buffer.alloc(0);
  if (o.level === 'authPriv') {
    const sealed = encryptPdu(keys.privProtocol!, keys.privKey!, o.engineBoots, o.engineTime, encodeScopedPdu(o.scopedPdu));
    data = sealed.ciphertext;
    privParams = sealed.privParams;
  }
  const authLen = o.level === 'noAuthNoPriv' ? 0 : authMacLength(keys.authProtocol!);
  const msg: V3Message = {
    version: 3, msgId: o.msgId, msgMaxSize: o.msgMaxSize ?? 65507,
    msgFlags: levelFlags(o.level) | (o.reportable ? FLAG_REPORTABLE : 0), securityModel: SECURITY_MODEL_USM,
    usm: { engineId: o.engineId, engineBoots: o.engineBoots, engineTime: o.engineTime, userName: name, authParams: Buffer.alloc(authLen), privParams },
    data,
  };
  const { bytes, authParamsOffset } = encodeV3Message(msg);
  if (authLen > 0) computeDigest(keys.authProtocol!, keys.authKey!, bytes).copy(bytes, authParamsOffset);
  return bytes;
}

/**
 * Check a decoded v3 message's digest against `user` and decrypt it (RFC 3414 3.2 steps 5, 6 and 8).
 * `raw` is the buffer the message was decoded from. The caller checks engine ID, user and time window.
 */
export function openMessage(raw: Buffer, msg: V3Message, user: LocalizedUser): ScopedPdu {
  const level = flagsLevel(msg.msgFlags);
  if (level === null) throw new BerError('msgFlags ask for privacy without authentication');
  const rank = { noAuthNoPriv: 0, authNoPriv: 1, authPriv: 2 };
  if (rank[level] > rank[user.level]) throw new UsmError('unsupportedSecLevel', `user does not support ${level}`);
  if (level !== 'noAuthNoPriv') {
    const expected = authMacLength(user.authProtocol!);
    const got = msg.usm.authParams;
    if (got.length !== expected || msg.authParamsOffset === undefined) throw new UsmError('wrongDigest', 'authentication parameters have the wrong length');
    const copy = Buffer.from(raw);
    copy.fill(0, msg.authParamsOffset, msg.authParamsOffset + expected);
    if (!timingSafeEqual(computeDigest(user.authProtocol!, user.authKey!, copy), got)) throw new UsmError('wrongDigest');
  }
  if (level === 'authPriv') {
    if (!Buffer.isBuffer(msg.data)) throw new UsmError('decryptionError', 'privacy flag set but the PDU is plaintext');
    const plain = decryptPdu(user.privProtocol!, user.privKey!, msg.usm.engineBoots, msg.usm.engineTime, msg.usm.privParams, msg.data);
    try {
      return decodeScopedPdu(plain);
    } catch {
      throw new UsmError('decryptionError', 'decrypted PDU does not parse');
    }
  }
  if (Buffer.isBuffer(msg.data)) throw new BerError('encrypted PDU without the privacy flag');
  return msg.data;
}

/** The engine-discovery probe (RFC 3414 4): noAuthNoPriv, reportable, empty engine ID and user. */
export function encodeDiscoveryRequest(msgId: number, requestId: number): Buffer {
  return sealMessage({
    msgId, reportable: true, level: 'noAuthNoPriv', engineId: Buffer.alloc(0), engineBoots: 0, engineTime: 0,
    user: { name: '' },
    scopedPdu: { contextEngineId: Buffer.alloc(0), contextName: Buffer.alloc(0), pdu: { type: 'GetRequest', requestId, errorStatus: 0, errorIndex: 0, varbinds: [] } },
  });
}
