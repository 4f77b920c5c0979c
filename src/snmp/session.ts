/**
 * The agent's SNMP client: a thin, read-only layer over net-snmp. It offers GET,
 * multi-column GETBULK walks (GETNEXT on v1) and subtree walks, counts requests,
 * adapts max-repetitions for agents that choke on large ones, and returns amr's
 * own Varbind type. There is deliberately no SET: the agent never writes to a device.
 */
import { createRequire } from 'node:module';
import type NetSnmp from 'net-snmp';
import { compareOids, inSubtree, isException, type VarType, type Varbind } from './types.js';
import type { Credential } from './credentials.js';
import { useDesWithoutLegacyProvider } from '../platform/legacy-des.js';

// A plain require: an ESM import of this CommonJS package makes Node scan its 6,000 lines
// for export names first (bench/discover: about 0.1 s of CPU on each command that reads).
const snmp = createRequire(import.meta.url)('net-snmp') as typeof NetSnmp;

// DES privacy on Node 17+ without --openssl-legacy-provider (old printers' SNMPv3 users).
useDesWithoutLegacyProvider(snmp);

export interface SessionOptions {
  port: number;
  timeoutMs: number;
  retries: number;
  maxRepetitions: number;
  /**
   * Time (epoch ms) after which no request is sent: a device's whole read is bounded, so a
   * slow or endless agent cannot hold a run (an endless slow walk once took 259 s).
   */
  deadline?: number;
  /** Most octets of values one session keeps from walks; beyond it walks stop (hostile agents). */
  maxBytes?: number;
}

/** Octets of walked values one device may cost by default: far above any printer's tables (a few 10 KB). */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** Why a request failed, in words a technician can act on; `limit`: amr's own bound on time or size was reached. */
export class SnmpError extends Error {
  constructor(message: string, readonly kind: 'timeout' | 'auth' | 'protocol' | 'network' | 'limit') {
    super(message);
    this.name = 'SnmpError';
  }
}

const TYPES: Record<number, VarType> = {
  2: 'Integer', 4: 'OctetString', 5: 'Null', 6: 'OID', 64: 'IpAddress', 65: 'Counter32', 66: 'Gauge32',
  67: 'TimeTicks', 68: 'Opaque', 70: 'Counter64', 128: 'NoSuchObject', 129: 'NoSuchInstance', 130: 'EndOfMibView',
};

const AUTH: Record<string, number> = {
  md5: snmp.AuthProtocols.md5, sha: snmp.AuthProtocols.sha, sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256, sha384: snmp.AuthProtocols.sha384, sha512: snmp.AuthProtocols.sha512,
};
const PRIV: Record<string, number> = {
  des: snmp.PrivProtocols.des, aes: snmp.PrivProtocols.aes,
  aes256: snmp.PrivProtocols.aes256b, aes256c: snmp.PrivProtocols.aes256r,
};

/** Most varbinds asked for in one GETBULK response, keeping replies near one Ethernet frame or two. */
const MAX_VARBINDS_PER_REQUEST = 48;
/**
 * max-repetitions of a walk's first GETBULK, doubled on each next one. Printer tables are
 * mostly a few rows: asking for 25 rows of a 2-row column makes the agent send 23 rows
 * of the following columns that are thrown away (bench/read: 15.6 requests per device against 15.3, less data).
 */
const FIRST_REPETITIONS = 8;

type RawVarbind = { oid: string; type: number; value: unknown };
type Callback<T> = (error: Error | null, result: T) => void;
/** The part of net-snmp's Session amr uses (its typings are looser than its behaviour). */
interface NetSnmpSession {
  get(oids: string[], cb: Callback<RawVarbind[]>): void;
  getNext(oids: string[], cb: Callback<RawVarbind[]>): void;
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: Callback<RawVarbind[][]>): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

export class SnmpSession {
  /** Requests sent (not counting net-snmp's own retries and v3 engine discovery). */
  requests = 0;
  private maxRepetitions: number;
  /** Largest max-repetitions this agent has answered; a timeout above it may be the agent choking. */
  private bulkAnswered = 0;
  private readonly session: NetSnmpSession;
  /** Octets of octet-string values kept from walks so far. */
  private bytes = 0;
  /** Columns whose walk stopped at maxRows with rows still coming. */
  readonly truncated: string[] = [];

  constructor(readonly host: string, readonly credential: Credential, readonly options: SessionOptions) {
    this.maxRepetitions = options.maxRepetitions;
    const common = {
      port: options.port, timeout: options.timeoutMs, retries: options.retries,
      transport: 'udp4' as const, backoff: 1.0, idBitsSize: 32 as const,
    };
    if (credential.version === '3') {
      const u = credential.user;
      const level = u.authProtocol === 'none' ? snmp.SecurityLevel.noAuthNoPriv
        : u.privProtocol === 'none' ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.authPriv;
      const user: Record<string, unknown> = { name: u.name, level };
      if (u.authProtocol !== 'none') Object.assign(user, { authProtocol: AUTH[u.authProtocol], authKey: u.authKey });
      if (u.privProtocol !== 'none') Object.assign(user, { privProtocol: PRIV[u.privProtocol], privKey: u.privKey });
      this.session = snmp.createV3Session(host, user as unknown as NetSnmp.User, { ...common, context: u.context } as never) as unknown as NetSnmpSession;
    } else {
      this.session = snmp.createSession(host, credential.community, {
        ...common, version: credential.version === '1' ? snmp.Version1 : snmp.Version2c,
      } as never) as unknown as NetSnmpSession;
    }
    // Socket errors surface through the request callbacks; an unhandled 'error' event would crash the agent.
    this.session.on('error', () => {});
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // already closed
    }
  }

  /** GET scalars; missing ones come back as NoSuchObject/NoSuchInstance varbinds (v1: dropped). */
  async get(oids: string[]): Promise<Varbind[]> {
    if (this.credential.version === '1') return this.getV1(oids);
    const raw = await this.call<RawVarbind[]>((cb) => this.session.get(oids, cb));
    return raw.map(convert);
  }

  /** v1 answers a GET with noSuchName for the whole request if one OID is missing: drop it and ask again. */
  private async getV1(oids: string[]): Promise<Varbind[]> {
    let pending = [...oids];
    for (let attempt = 0; attempt < oids.length && pending.length; attempt++) {
      try {
        const raw = await this.call<RawVarbind[]>((cb) => this.session.get(pending, cb));
        return raw.map(convert);
      } catch (e) {
        const missing = noSuchNameOid(e);
        if (missing === null) throw e;
        pending = pending.filter((o) => o !== missing);
      }
    }
    return [];
  }

  /**
   * One GETNEXT (discovery's identification step): for each OID, the object after it, in
   * the order asked; null where the agent has none (end of the MIB, v1 noSuchName).
   */
  async getNext(oids: string[]): Promise<Array<Varbind | null>> {
    if (this.credential.version === '1') return (await this.nextRowsV1(oids)).map((rows) => rows[0] ?? null);
    const raw = await this.call<RawVarbind[]>((cb) => this.session.getNext(oids, cb));
    return oids.map((_, i) => {
      const vb = raw[i] ? convert(raw[i]!) : null;
      return vb && !isException(vb) ? vb : null;
    });
  }

  /**
   * Walk several table columns together, one GETBULK carrying all of them (GETNEXT on v1),
   * until each leaves its column. Returns every varbind inside the columns, in OID order.
   */
  async walkColumns(columns: string[], maxRows = 10_000): Promise<Varbind[]> {
    const out: Varbind[] = [];
    let active = columns.map((column) => ({ column, next: column, rows: 0 }));
    let reps = FIRST_REPETITIONS;
    while (active.length) {
      const batch = active.slice(0, MAX_VARBINDS_PER_REQUEST);
      const fit = Math.max(1, Math.floor(MAX_VARBINDS_PER_REQUEST / batch.length));
      const rows = await this.nextRows(batch.map((b) => b.next), Math.min(reps, fit));
      reps *= 2;
      const done = new Set<number>();
      batch.forEach((b, i) => {
        const list = rows[i];
        if (!list || list.length === 0) { done.add(i); return; }
        for (const vb of list) {
          // Leaving the column, an exception, or an agent going backwards all end this column.
          if (vb.type === 'EndOfMibView' || !inSubtree(vb.oid, b.column) || compareOids(vb.oid, b.next) <= 0) {
            done.add(i);
            return;
          }
          // Only as many rows as the decoder uses are kept: a hostile table costs no more.
          if (b.rows >= maxRows) {
            this.truncated.push(b.column);
            done.add(i);
            return;
          }
          if (vb.type !== 'NoSuchObject' && vb.type !== 'NoSuchInstance') {
            this.bytes += Buffer.isBuffer(vb.value) ? vb.value.length : 0;
            out.push(vb);
          }
          b.next = vb.oid;
          b.rows++;
        }
      });
      active = active.filter((b, i) => !(i < batch.length && done.has(i)));
      const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
      if (this.bytes > maxBytes && active.length) {
        throw new SnmpError(`device sent more than ${Math.round(maxBytes / 1048576)} MB of table data; the rest was not read`, 'limit');
      }
    }
    return out.sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** Walk one subtree (used by `amr record` and vendor profiles). */
  walk(subtree: string, maxRows = 50_000): Promise<Varbind[]> {
    return this.walkColumns([subtree], maxRows);
  }

  /** For each OID, the varbinds that follow it: up to `reps` by GETBULK, one by GETNEXT on v1. */
  private async nextRows(oids: string[], reps: number): Promise<Varbind[][]> {
    if (this.credential.version === '1') return this.nextRowsV1(oids);
    let repetitions = Math.min(reps, this.maxRepetitions);
    for (;;) {
      try {
        const raw = await this.call<RawVarbind[][]>((cb) => this.session.getBulk(oids, 0, repetitions, cb));
        this.bulkAnswered = Math.max(this.bulkAnswered, repetitions);
        return raw.map((col) => (Array.isArray(col) ? col : [col]).map(convert));
      } catch (e) {
        // Agents that choke on large responses answer tooBig, or nothing at all: ask for less.
        const tooBig = e instanceof Error && /TooBig/i.test(e.message);
        const timedOut = e instanceof SnmpError && e.kind === 'timeout';
        if ((tooBig || (timedOut && repetitions > this.bulkAnswered)) && repetitions > 1) {
          repetitions = Math.max(1, Math.floor(repetitions / 4));
          this.maxRepetitions = Math.min(this.maxRepetitions, repetitions);
          continue;
        }
        throw e;
      }
    }
  }

  private async nextRowsV1(oids: string[]): Promise<Varbind[][]> {
    const result: Varbind[][] = oids.map(() => []);
    let pending = oids.map((oid, i) => ({ oid, i }));
    while (pending.length) {
      try {
        const raw = await this.call<RawVarbind[]>((cb) => this.session.getNext(pending.map((p) => p.oid), cb));
        raw.forEach((vb, k) => { result[pending[k]!.i] = [convert(vb)]; });
        return result;
      } catch (e) {
        const missing = noSuchNameOid(e);
        if (missing === null) throw e;
        // End of the MIB for that OID: it has no next; ask again for the others.
        const before = pending.length;
        pending = pending.filter((p) => p.oid !== missing);
        if (pending.length === before) throw e;
      }
    }
    return result;
  }

  private call<T>(run: (cb: (error: Error | null, result: T) => void) => void): Promise<T> {
    const { deadline } = this.options;
    if (deadline !== undefined && Date.now() >= deadline) {
      return Promise.reject(new SnmpError('the device\'s read time limit was reached; the rest was not read', 'limit'));
    }
    this.requests++;
    return new Promise<T>((resolve, reject) => {
      try {
        run((error, result) => (error ? reject(translate(error, this.credential)) : resolve(result)));
      } catch (error) {
        reject(translate(error as Error, this.credential));
      }
    });
  }
}

function convert(raw: RawVarbind): Varbind {
  const type = TYPES[raw.type] ?? 'Opaque';
  let value: Varbind['value'] = raw.value as Varbind['value'];
  if (type === 'Counter64' && Buffer.isBuffer(raw.value)) value = raw.value.length ? BigInt(`0x${raw.value.toString('hex')}`) : 0n;
  else if (type === 'NoSuchObject' || type === 'NoSuchInstance' || type === 'EndOfMibView' || type === 'Null') value = null;
  else if (type === 'OID' && typeof raw.value === 'string') value = raw.value.replace(/^\./, '');
  else if (type === 'Integer' || type === 'Counter32' || type === 'Gauge32' || type === 'TimeTicks') value = Number(raw.value);
  return { oid: raw.oid.replace(/^\./, ''), type, value };
}

function noSuchNameOid(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const m = /^NoSuchName: ([\d.]+)$/.exec(e.message);
  return m ? m[1]! : null;
}

function translate(error: Error, credential: Credential): Error {
  const name = error.name;
  if (name === 'RequestTimedOutError') {
    return new SnmpError(`no SNMP reply (${credential.label}): the device is off or unreachable, or the ${credential.version === '3' ? 'SNMPv3 user is unknown to it' : 'community is wrong'}`, 'timeout');
  }
  if (name === 'ResponseInvalidError') {
    const m = error.message;
    if (/Wrong Digest|Unknown User|Unsupported Security|Decryption|authenticat/i.test(m)) {
      return new SnmpError(`SNMPv3 authentication failed for ${credential.label}: ${m.replace(/ \(incorrect password, community or key\)/, '')}; check the user and keys in config.ini`, 'auth');
    }
    return new SnmpError(`device sent an invalid SNMP reply: ${m}`, 'protocol');
  }
  if ((error as NodeJS.ErrnoException).code) return new SnmpError(`network error: ${error.message}`, 'network');
  return error;
}
