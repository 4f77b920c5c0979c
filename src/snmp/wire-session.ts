/**
 * The agent's SNMP client on amr's own codec (ber.ts, usm.ts) instead of net-snmp:
 * the same public API, results and errors as SnmpSession, with far less allocation.
 * Sessions to the same port share one UDP socket (discovery's SweepClient), which
 * matches each reply to its request by request id AND source address.
 */
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { SweepClient, engineFromReport, type EngineInfo } from '../discover/client.js';
import {
  BerError, ErrorStatus, encodeGetBulkRequest, encodeGetNextRequest, encodeGetRequest,
  type Message, type PduType, type ScopedPdu,
} from './ber.js';
import type { Credential } from './credentials.js';
import { SnmpError, type SessionOptions } from './session.js';
import { compareOids, inSubtree, type Varbind } from './types.js';
import {
  UsmError, encodeDiscoveryRequest, localizeUser, openMessage, reportReason, sealMessage, userLevel,
  type LocalizedUser, type SecurityLevel, type UsmReason, type UsmUser,
} from './usm.js';

/** Most varbinds asked for in one GETBULK response (as SnmpSession). */
const MAX_VARBINDS_PER_REQUEST = 48;
/** RFC 3414 2.2.3: an authentic message more than 150 s off our notion of the engine's time is stale. */
const TIME_WINDOW_S = 150;

/** Whether sessions share one socket per port (the default) or open their own; for measurement. */
export const wireSocket = { shared: true };

/** An agent's error-status, with the same name and message net-snmp gives it ("TooBig", "NoSuchName: OID"). */
class RequestFailedError extends Error {
  constructor(readonly status: number, readonly oid: string | null) {
    const name = STATUS_NAMES[status] ?? 'GeneralError';
    super(oid === null ? name : `${name}: ${oid}`);
    this.name = 'RequestFailedError';
  }
}

const STATUS_NAMES: Record<number, string> = {
  1: 'TooBig', 2: 'NoSuchName', 3: 'BadValue', 4: 'ReadOnly', 5: 'GeneralError', 6: 'NoAccess', 7: 'WrongType',
  8: 'WrongLength', 9: 'WrongEncoding', 10: 'WrongValue', 11: 'NoCreation', 12: 'InconsistentValue',
  13: 'ResourceUnavailable', 14: 'CommitFailed', 15: 'UndoFailed', 16: 'AuthorizationError', 17: 'NotWritable',
  18: 'InconsistentName',
};

/** The words net-snmp uses for each usmStats report, so messages read the same. */
const REPORT_TEXT: Record<UsmReason, string> = {
  unsupportedSecLevel: 'Unsupported Security Level', notInTimeWindow: 'Not In Time Window',
  unknownUserName: 'Unknown User Name', unknownEngineID: 'Unknown Engine ID', wrongDigest: 'Wrong Digest',
  decryptionError: 'Decryption Error',
};
/** Reports that mean "these keys or this user are not accepted"; the others are protocol trouble. */
const AUTH_REASONS = new Set<UsmReason>(['unsupportedSecLevel', 'unknownUserName', 'wrongDigest', 'decryptionError']);

// One socket per port, opened on first use and closed with its last session.
const sockets = new Map<number, { client: Promise<SweepClient>; users: number }>();

function acquire(port: number): Promise<SweepClient> {
  if (!wireSocket.shared) return SweepClient.open(port);
  let entry = sockets.get(port);
  if (!entry) {
    entry = { client: SweepClient.open(port), users: 0 };
    sockets.set(port, entry);
  }
  entry.users++;
  return entry.client;
}

function release(port: number, client: Promise<SweepClient>): void {
  const entry = sockets.get(port);
  if (!wireSocket.shared || !entry || entry.client !== client) {
    client.then((c) => c.close(), () => {});
    return;
  }
  if (--entry.users > 0) return;
  sockets.delete(port);
  entry.client.then((c) => c.close(), () => {});
}

type Reply = { type: PduType; errorStatus: number; errorIndex: number; varbinds: Varbind[] };
type Request = { type: 'GetRequest' | 'GetNextRequest' } | { type: 'GetBulkRequest'; maxRepetitions: number };

export class WireSession {
  /** Requests sent (not counting retries and v3 engine discovery). */
  requests = 0;
  private maxRepetitions: number;
  /** Largest max-repetitions this agent has answered; a timeout above it may be the agent choking. */
  private bulkAnswered = 0;
  private readonly client: Promise<SweepClient>;
  private ip: Promise<string> | null = null;
  private closed = false;
  /** v3: the engine and the user's keys localized to it, learnt once per session. */
  private engine: Promise<{ engine: EngineInfo; user: LocalizedUser }> | null = null;
  /** v3: highest engine time seen in an authentic message for the current boots (RFC 3414 3.2 7b). */
  private latestTime = -1;

  constructor(readonly host: string, readonly credential: Credential, readonly options: SessionOptions) {
    this.maxRepetitions = options.maxRepetitions;
    this.client = acquire(options.port);
    this.client.catch(() => {}); // failures surface through the requests
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    release(this.options.port, this.client);
  }

  /** GET scalars; missing ones come back as NoSuchObject/NoSuchInstance varbinds (v1: dropped). */
  async get(oids: string[]): Promise<Varbind[]> {
    if (this.credential.version === '1') return this.getV1(oids);
    return this.call(oids, { type: 'GetRequest' });
  }

  /** v1 answers a GET with noSuchName for the whole request if one OID is missing: drop it and ask again. */
  private async getV1(oids: string[]): Promise<Varbind[]> {
    let pending = [...oids];
    for (let attempt = 0; attempt < oids.length && pending.length; attempt++) {
      try {
        return await this.call(pending, { type: 'GetRequest' });
      } catch (e) {
        const missing = noSuchNameOid(e);
        if (missing === null) throw e;
        pending = pending.filter((o) => o !== missing);
      }
    }
    return [];
  }

  /**
   * Walk several table columns together, one GETBULK carrying all of them (GETNEXT on v1),
   * until each leaves its column. Returns every varbind inside the columns, in OID order.
   */
  async walkColumns(columns: string[], maxRows = 10_000): Promise<Varbind[]> {
    const out: Varbind[] = [];
    let active = columns.map((column) => ({ column, next: column, rows: 0 }));
    while (active.length) {
      const batch = active.slice(0, MAX_VARBINDS_PER_REQUEST);
      const rows = await this.nextRows(batch.map((b) => b.next), Math.max(1, Math.floor(MAX_VARBINDS_PER_REQUEST / batch.length)));
      const done = new Set<number>();
      batch.forEach((b, i) => {
        const list = rows[i];
        if (!list || list.length === 0) { done.add(i); return; }
        for (const vb of list) {
          // Leaving the column, an exception, or an agent going backwards all end this column.
          if (vb.type === 'EndOfMibView' || !inSubtree(vb.oid, b.column) || compareOids(vb.oid, b.next) <= 0 || b.rows >= maxRows) {
            done.add(i);
            return;
          }
          if (vb.type !== 'NoSuchObject' && vb.type !== 'NoSuchInstance') out.push(vb);
          b.next = vb.oid;
          b.rows++;
        }
      });
      active = active.filter((b, i) => !(i < batch.length && done.has(i)));
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
        const flat = await this.call(oids, { type: 'GetBulkRequest', maxRepetitions: repetitions });
        this.bulkAnswered = Math.max(this.bulkAnswered, repetitions);
        // Response varbinds come row by row: column i of row r is at r * oids.length + i.
        const cols: Varbind[][] = [];
        flat.forEach((vb, k) => {
          if (k < oids.length) cols.push([vb]);
          else cols[k % oids.length]!.push(vb);
        });
        return cols;
      } catch (e) {
        // Agents that choke on large responses answer tooBig, or nothing at all: ask for less.
        const tooBig = e instanceof RequestFailedError && e.status === ErrorStatus.tooBig;
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
        const got = await this.call(pending.map((p) => p.oid), { type: 'GetNextRequest' });
        got.forEach((vb, k) => { result[pending[k]!.i] = [vb]; });
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

  /** One counted request: the reply's varbinds, or the error SnmpSession would give. */
  private async call(oids: string[], req: Request): Promise<Varbind[]> {
    this.requests++;
    const reply = this.credential.version === '3' ? await this.exchangeV3(oids, req) : await this.exchangeCommunity(oids, req);
    if (reply.type !== 'Response') throw invalid(`Unknown PDU type '${reply.type}' in response`);
    if (reply.errorStatus > 0) {
      const oid = reply.errorIndex > 0 && reply.errorIndex <= reply.varbinds.length ? reply.varbinds[reply.errorIndex - 1]!.oid : null;
      throw new RequestFailedError(reply.errorStatus, oid);
    }
    if (req.type !== 'GetBulkRequest' && reply.varbinds.length !== oids.length) throw invalid('Requested OIDs do not match response OIDs');
    return reply.varbinds;
  }

  private async socket(): Promise<{ client: SweepClient; ip: string }> {
    if (this.closed) throw new SnmpError('network error: Not running', 'network');
    let client: SweepClient;
    try {
      client = await this.client;
    } catch (error) {
      throw new SnmpError(`network error: ${(error as Error).message}`, 'network');
    }
    this.ip ??= isIPv4(this.host) ? Promise.resolve(this.host) : lookup(this.host, { family: 4 }).then((r) => r.address);
    try {
      return { client, ip: await this.ip };
    } catch (error) {
      this.ip = null;
      throw new SnmpError(`network error: ${(error as Error).message}`, 'network');
    }
  }

  private async exchangeCommunity(oids: string[], req: Request): Promise<Reply> {
    const cred = this.credential as Extract<Credential, { version: '1' | '2c' }>;
    const version = cred.version === '1' ? 0 : 1;
    const { client, ip } = await this.socket();
    const reply = await client.request(ip, (requestId) => {
      const base = { version, community: cred.community, requestId, oids } as const;
      if (req.type === 'GetBulkRequest') return encodeGetBulkRequest({ ...base, version: 1, maxRepetitions: req.maxRepetitions });
      return req.type === 'GetRequest' ? encodeGetRequest(base) : encodeGetNextRequest(base);
    }, this.options.timeoutMs, this.options.retries);
    if (!reply) throw this.timeout();
    const msg = reply.msg;
    if (msg.version !== version) throw invalid(`Version in request '${version}' does not match version in response '${msg.version}'`);
    // Named without the communities themselves: they are secrets.
    const got = msg.community;
    if (!(Buffer.isBuffer(got) ? got.equals(Buffer.from(cred.community, 'utf8')) : got === cred.community)) throw invalid('Community in response does not match the one in the request');
    if (msg.pdu.type === 'GetBulkRequest') throw invalid(`Unknown PDU type '${msg.pdu.type}' in response`);
    return msg.pdu;
  }

  /** v3: the authoritative engine (RFC 3414 4), discovered by one Report, and the user's keys for it. */
  private discover(): Promise<{ engine: EngineInfo; user: LocalizedUser }> {
    this.engine ??= (async () => {
      const { client, ip } = await this.socket();
      const reply = await client.request(ip, (id) => encodeDiscoveryRequest(id, id), this.options.timeoutMs, this.options.retries);
      if (!reply) throw this.timeout();
      const engine = reply.msg.version === 3 ? engineFromReport(reply.msg) : null;
      if (!engine) throw invalid('Unexpected reply to SNMPv3 engine discovery');
      return { engine, user: localizeUser(this.usmUser(), engine.engineId) };
    })();
    // A failed discovery is tried again by the next request, as net-snmp does.
    this.engine.catch(() => { this.engine = null; });
    return this.engine;
  }

  private usmUser(): UsmUser {
    const u = (this.credential as Extract<Credential, { version: '3' }>).user;
    const out: UsmUser = { name: u.name };
    if (u.authProtocol !== 'none') Object.assign(out, { authProtocol: u.authProtocol, authKey: u.authKey });
    if (u.authProtocol !== 'none' && u.privProtocol !== 'none') Object.assign(out, { privProtocol: u.privProtocol, privKey: u.privKey });
    return out;
  }

  private async exchangeV3(oids: string[], req: Request): Promise<Reply> {
    const context = (this.credential as Extract<Credential, { version: '3' }>).user.context;
    const { engine, user } = await this.discover();
    const { client, ip } = await this.socket();
    const level: SecurityLevel = userLevel(this.usmUser());
    const varbinds = oids.map((oid): Varbind => ({ oid, type: 'Null', value: null }));
    for (let resync = 0; ; resync++) {
      const reply = await client.request(ip, (id) => sealMessage({
        msgId: id, reportable: true, level, engineId: engine.engineId, engineBoots: engine.engineBoots,
        engineTime: engine.engineTime + Math.floor((performance.now() - engine.at) / 1000), user,
        scopedPdu: {
          contextEngineId: engine.engineId, contextName: Buffer.from(context, 'utf8'),
          pdu: req.type === 'GetBulkRequest'
            ? { type: req.type, requestId: id, nonRepeaters: 0, maxRepetitions: req.maxRepetitions, varbinds }
            : { type: req.type, requestId: id, errorStatus: 0, errorIndex: 0, varbinds },
        },
      }), this.options.timeoutMs, this.options.retries);
      if (!reply) throw this.timeout();
      const msg = reply.msg;
      if (msg.version !== 3) throw invalid(`Version in request '3' does not match version in response '${msg.version}'`);
      const scoped = this.open(reply.raw, msg, user);
      const pdu = scoped.pdu;
      if (pdu.type === 'Report') {
        const reason = reportReason(pdu);
        if (reason === 'notInTimeWindow' && resync === 0) {
          // RFC 3414 4: the report carries the engine's clock; learn it and try once more.
          const learnt = engineFromReport(msg);
          if (learnt) Object.assign(engine, learnt);
          continue;
        }
        if (reason === null) throw invalid('Unexpected Report PDU');
        if (AUTH_REASONS.has(reason)) throw this.authFailed(REPORT_TEXT[reason]);
        throw invalid(REPORT_TEXT[reason]);
      }
      if (msg.msgFlags & 1) this.checkTimeWindow(msg, engine);
      if (pdu.type === 'GetBulkRequest') throw invalid(`Unknown PDU type '${pdu.type}' in response`);
      return pdu;
    }
  }

  /** Check the digest and decrypt; failures read as net-snmp's do. */
  private open(raw: Buffer, msg: Extract<Message, { version: 3 }>, user: LocalizedUser): ScopedPdu {
    try {
      if (msg.msgFlags & 1) return openMessage(raw, msg, user);
      if (Buffer.isBuffer(msg.data)) throw new BerError('encrypted PDU without the privacy flag');
      return msg.data;
    } catch (error) {
      if (error instanceof UsmError && error.reason === 'wrongDigest') {
        throw this.authFailed('Authentication digest received in message does not match digest calculated for message');
      }
      if (error instanceof UsmError && error.reason === 'decryptionError') throw invalid(`Failed to decrypt PDU: ${error.message}`);
      if (error instanceof UsmError) throw this.authFailed(REPORT_TEXT[error.reason]);
      if (error instanceof BerError) throw invalid(error.message);
      throw error;
    }
  }

  /** RFC 3414 3.2 step 7b: follow the engine's clock forward, and refuse stale authentic messages. */
  private checkTimeWindow(msg: Extract<Message, { version: 3 }>, engine: EngineInfo): void {
    const { engineBoots, engineTime } = msg.usm;
    if (engineBoots > engine.engineBoots || (engineBoots === engine.engineBoots && engineTime > this.latestTime)) {
      engine.engineBoots = engineBoots;
      engine.engineTime = engineTime;
      engine.at = performance.now();
      this.latestTime = engineTime;
    }
    const now = engine.engineTime + Math.floor((performance.now() - engine.at) / 1000);
    if (engineBoots !== engine.engineBoots || Math.abs(engineTime - now) > TIME_WINDOW_S) {
      throw invalid(`Message with engineBoots '${engineBoots}' and engineTime '${engineTime}' is outside the time window of engineBoots '${engine.engineBoots}' and engineTime '${now}'`);
    }
  }

  private timeout(): SnmpError {
    const c = this.credential;
    return new SnmpError(`no SNMP reply (${c.label}): the device is off or unreachable, or the ${c.version === '3' ? 'SNMPv3 user is unknown to it' : 'community is wrong'}`, 'timeout');
  }

  private authFailed(what: string): SnmpError {
    return new SnmpError(`SNMPv3 authentication failed for ${this.credential.label}: ${what}; check the user and keys in config.ini`, 'auth');
  }
}

function invalid(what: string): SnmpError {
  return new SnmpError(`device sent an invalid SNMP reply: ${what}`, 'protocol');
}

function noSuchNameOid(e: unknown): string | null {
  return e instanceof RequestFailedError && e.status === ErrorStatus.noSuchName ? e.oid : null;
}
