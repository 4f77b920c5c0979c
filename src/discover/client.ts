/**
 * One UDP socket shared by the whole sweep: probes go out through `sendRaw`, and every
 * datagram that comes back is decoded once and routed either to the sweeper (probe
 * request ids) or to a pending identification request (matched by request id AND source
 * address). Garbled datagrams and replies from addresses nobody asked are counted and dropped.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  BerError, ErrorStatus, decodeMessage, encodeGetNextRequest, encodeGetRequest,
  type Message, type ScopedPdu, type V3Message,
} from '../snmp/ber.js';
import { isException, type Varbind } from '../snmp/types.js';
import {
  UsmError, localizeUser, openMessage, reportReason, sealMessage, userLevel, type LocalizedUser, type UsmReason, type UsmUser,
} from '../snmp/usm.js';
import type { Credential } from './credentials.js';
import type { SnmpOps } from './facts.js';

/** Probe request ids live at and above this value (4-octet BER integers); identification ids below. */
export const PROBE_ID_BASE = 0x01000000;

export interface ReplyPdu {
  type: string;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: Varbind[];
}

export interface Counters {
  sent: number;
  received: number;
  garbled: number;
  unsolicited: number;
}

interface Pending {
  ip: string;
  resolve: (value: { msg: Message; raw: Buffer } | null) => void;
  timer: NodeJS.Timeout;
}

export type ProbeHandler = (msg: Message, requestId: number, rinfo: RemoteInfo) => boolean;

export class SweepClient {
  readonly counters: Counters = { sent: 0, received: 0, garbled: 0, unsolicited: 0 };
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1 + Math.floor(Math.random() * 0x100000);
  private probeHandler: ProbeHandler | null = null;
  private closed = false;

  private constructor(socket: Socket, readonly port: number) {
    this.socket = socket;
    socket.on('message', (raw, rinfo) => this.onMessage(raw, rinfo));
    socket.on('error', () => { /* ICMP errors on an unconnected socket: nothing to do */ });
  }

  static async open(port: number, bindAddress?: string): Promise<SweepClient> {
    const socket = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, bindAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(4 << 20);
    } catch {
      /* the OS caps it; the default still works at modest rates */
    }
    return new SweepClient(socket, port);
  }

  onProbeReply(handler: ProbeHandler): void {
    this.probeHandler = handler;
  }

  sendRaw(buf: Buffer, ip: string, done?: () => void): void {
    this.counters.sent++;
    this.socket.send(buf, this.port, ip, done);
  }

  private onMessage(raw: Buffer, rinfo: RemoteInfo): void {
    this.counters.received++;
    let msg: Message;
    try {
      msg = decodeMessage(raw);
    } catch {
      this.counters.garbled++;
      return;
    }
    let id: number;
    if (msg.version === 3) id = msg.msgId;
    else id = msg.pdu.requestId;
    if (rinfo.port !== this.port) {
      this.counters.unsolicited++;
      return;
    }
    if (id >= PROBE_ID_BASE) {
      if (!this.probeHandler?.(msg, id, rinfo)) this.counters.unsolicited++;
      return;
    }
    const p = this.pending.get(id);
    if (!p || p.ip !== rinfo.address) {
      this.counters.unsolicited++;
      return;
    }
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve({ msg, raw });
  }

  allocId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= PROBE_ID_BASE - 1 ? 1 : this.nextId + 1;
    return id;
  }

  /** Send `build(id)` to ip and wait for the reply with that id from that address; null after timeout and retries. */
  async request(ip: string, build: (id: number) => Buffer, timeoutMs: number, retries: number): Promise<{ msg: Message; raw: Buffer } | null> {
    for (let attempt = 0; attempt <= retries && !this.closed; attempt++) {
      const id = this.allocId();
      const reply = await new Promise<{ msg: Message; raw: Buffer } | null>((resolve) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          resolve(null);
        }, timeoutMs);
        this.pending.set(id, { ip, resolve, timer });
        this.sendRaw(build(id), ip);
      });
      if (reply) return reply;
    }
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(null);
    }
    this.pending.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** An authenticated conversation with one device using one credential. */
export interface Session extends SnmpOps {
  /** For v3: the reason the user was refused, when it was. */
  refused?: UsmReason | 'timeout';
}

export interface SessionOptions {
  timeoutMs: number;
  retries: number;
}

type PduType = 'GetRequest' | 'GetNextRequest';

/** A v1/v2c or v3 request/response step over the shared client; null when nothing usable came back. */
type Exchange = (type: PduType, oids: readonly string[]) => Promise<ReplyPdu | null>;

/** Turn one exchange into SnmpOps: v1 noSuchName answers drop the offending OID and ask again; tooBig splits. */
function opsOver(exchange: Exchange): SnmpOps {
  const call = async (type: PduType, oids: readonly string[]): Promise<Array<Varbind | null>> => {
    const out: Array<Varbind | null> = oids.map(() => null);
    let asked = oids.map((oid, i) => ({ oid, i }));
    for (let round = 0; round <= oids.length && asked.length; round++) {
      const r = await exchange(type, asked.map((a) => a.oid));
      if (!r) return out;
      if (r.errorStatus === ErrorStatus.noError) {
        r.varbinds.forEach((vb, k) => {
          const slot = asked[k];
          if (slot && !isException(vb)) out[slot.i] = vb;
        });
        return out;
      }
      if (r.errorStatus === ErrorStatus.noSuchName && r.errorIndex >= 1 && r.errorIndex <= asked.length) {
        asked = asked.filter((_, k) => k !== r.errorIndex - 1);
        continue;
      }
      if (r.errorStatus === ErrorStatus.tooBig && asked.length > 1) {
        const half = Math.ceil(asked.length / 2);
        const parts = [asked.slice(0, half), asked.slice(half)];
        for (const part of parts) {
          const got = await call(type, part.map((a) => a.oid));
          got.forEach((vb, k) => { out[part[k]!.i] = vb; });
        }
        return out;
      }
      return out; // genErr and friends: nothing usable
    }
    return out;
  };
  return { get: (oids) => call('GetRequest', oids), getNext: (oids) => call('GetNextRequest', oids) };
}

export function communitySession(client: SweepClient, ip: string, cred: Extract<Credential, { kind: 'community' }>, o: SessionOptions): Session {
  return opsOver(async (type, oids) => {
    const enc = type === 'GetRequest' ? encodeGetRequest : encodeGetNextRequest;
    const reply = await client.request(ip, (requestId) => enc({ version: cred.version, community: cred.community, requestId, oids }), o.timeoutMs, o.retries);
    if (!reply || reply.msg.version === 3 || reply.msg.pdu.type !== 'Response') return null;
    return reply.msg.pdu as ReplyPdu;
  });
}

export interface EngineInfo {
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  /** When engineTime was learnt (ms, performance clock). */
  at: number;
}

export function engineFromReport(msg: V3Message): EngineInfo | null {
  if (msg.usm.engineId.length === 0) return null;
  return { engineId: msg.usm.engineId, engineBoots: msg.usm.engineBoots, engineTime: msg.usm.engineTime, at: performance.now() };
}

/**
 * A v3 session for one user against a discovered engine. The first exchange tells
 * whether the user is accepted: a Report (unknown user, wrong digest, ...) refuses it at
 * once, so a wrong credential costs one round trip, not a timeout.
 */
export function v3Session(client: SweepClient, ip: string, cred: Extract<Credential, { kind: 'v3' }>, engine: EngineInfo, o: SessionOptions): Session {
  const user: LocalizedUser = localizeUser(cred.user, engine.engineId);
  const level = userLevel(cred.user);
  const session: Session = opsOver(async (type, oids) => {
    for (let resync = 0; resync < 2; resync++) {
      const reply = await client.request(ip, (id) => sealMessage({
        msgId: id, reportable: true, level, engineId: engine.engineId, engineBoots: engine.engineBoots,
        engineTime: engine.engineTime + Math.floor((performance.now() - engine.at) / 1000), user,
        scopedPdu: {
          contextEngineId: engine.engineId, contextName: Buffer.from(cred.context, 'utf8'),
          pdu: { type, requestId: id, errorStatus: 0, errorIndex: 0, varbinds: oids.map((oid) => ({ oid, type: 'Null' as const, value: null })) },
        },
      }), o.timeoutMs, o.retries);
      if (!reply) {
        session.refused ??= 'timeout';
        return null;
      }
      if (reply.msg.version !== 3) return null;
      let scoped: ScopedPdu;
      try {
        scoped = (reply.msg.msgFlags & 1) ? openMessage(reply.raw, reply.msg, user) : (Buffer.isBuffer(reply.msg.data) ? null! : reply.msg.data);
      } catch (error) {
        if (error instanceof UsmError || error instanceof BerError) {
          session.refused = error instanceof UsmError ? error.reason : 'wrongDigest';
          return null;
        }
        throw error;
      }
      if (!scoped) return null;
      if (scoped.pdu.type === 'Report') {
        const reason = reportReason(scoped.pdu);
        if (reason === 'notInTimeWindow' && resync === 0) {
          // RFC 3414 4: learn the engine's clock from the report and try once more.
          engine.engineBoots = reply.msg.usm.engineBoots;
          engine.engineTime = reply.msg.usm.engineTime;
          engine.at = performance.now();
          continue;
        }
        session.refused = reason ?? 'unknownUserName';
        return null;
      }
      if (scoped.pdu.type !== 'Response') return null;
      return scoped.pdu as ReplyPdu;
    }
    return null;
  });
  return session;
}

export type { UsmUser };
