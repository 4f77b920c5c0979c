/** A simulated device: its variables, who may read them, its SNMPv3 engine and its fault options. */
import { createHash } from 'node:crypto';
import type { Varbind } from '../snmp/types.js';
import { localizeUser, type LocalizedUser, type UsmReason, type UsmUser } from '../snmp/usm.js';
import { MibView } from './mib.js';

export interface DeviceOptions {
  /** A loopback address, 127.x.y.z. */
  address: string;
  /** UDP port; default 161. */
  port?: number;
  /** Shown in listings, e.g. the recording's file name. */
  name?: string;
  varbinds: readonly Varbind[];
  /** v1/v2c communities that get answers; default ["public"]. Others get silence. */
  communities?: string[];
  /** SNMPv3 users; none means v3 requests are ignored. */
  v3Users?: UsmUser[];
  /** snmpEngineID (Buffer or hex); default derived from address and port. */
  engineId?: Buffer | string;
  engineBoots?: number;
  /** Largest response the agent sends (octets); default 1472, one Ethernet payload as many printers use. */
  maxMessageSize?: number;
  /** GETBULK max-repetitions is silently lowered to this. */
  maxRepetitionsLimit?: number;
  /** GETBULK with max-repetitions above this gets no reply at all (agents that choke on big bulks). */
  dropBulkAbove?: number;
  /** Fault injection: reply with random bytes instead of SNMP. */
  garbage?: boolean;
  /** Fault injection: wait this long before replying. */
  delayMs?: number;
  /** Fault injection: fraction (0..1) of requests silently dropped. */
  dropRate?: number;
}

export interface DeviceStats {
  /** Datagrams that reached the device. */
  received: number;
  /** Replies sent (responses, reports, garbage). */
  answered: number;
  /** Datagrams that got no reply (bad community, undecodable, dropped on purpose). */
  dropped: number;
}

export class SimDevice {
  readonly address: string;
  readonly port: number;
  readonly name: string;
  readonly mib: MibView;
  /** Accepted communities, as latin1 strings of their octets. */
  readonly communities: Set<string>;
  readonly engineId: Buffer;
  readonly engineBoots: number;
  readonly users = new Map<string, LocalizedUser>();
  readonly maxMessageSize: number;
  readonly stats: DeviceStats = { received: 0, answered: 0, dropped: 0 };
  /** usmStats counters reported in Report PDUs. */
  readonly usmStats: Record<UsmReason, number> = {
    unsupportedSecLevel: 0, notInTimeWindow: 0, unknownUserName: 0, unknownEngineID: 0, wrongDigest: 0, decryptionError: 0,
  };
  private readonly startedAt = Date.now();

  constructor(readonly options: DeviceOptions) {
    this.address = options.address;
    this.port = options.port ?? 161;
    this.name = options.name ?? `${this.address}:${this.port}`;
    this.mib = new MibView(options.varbinds);
    // Compared as raw octets (latin1 keeps one char per octet), so non-ASCII communities work too.
    this.communities = new Set((options.communities ?? ['public']).map((c) => Buffer.from(c, 'utf8').toString('latin1')));
    this.engineId = typeof options.engineId === 'string' ? Buffer.from(options.engineId, 'hex')
      : options.engineId ?? defaultEngineId(this.address, this.port);
    if (this.engineId.length < 5 || this.engineId.length > 32) throw new Error(`engine ID of ${this.name} must be 5 to 32 octets (RFC 3411)`);
    this.engineBoots = options.engineBoots ?? 1;
    this.maxMessageSize = options.maxMessageSize ?? 1472;
    for (const u of options.v3Users ?? []) this.users.set(u.name, localizeUser(u, this.engineId));
  }

  /** snmpEngineTime: seconds since the simulator started this device. */
  engineTime(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }
}

/**
 * RFC 3411 SnmpEngineID layout: a 4-octet enterprise number with the high bit set,
 * format 5 (octets), then 8 octets hashed from address and port so restarts keep it.
 */
function defaultEngineId(address: string, port: number): Buffer {
  const digest = createHash('sha1').update(`${address}:${port}`).digest().subarray(0, 8);
  return Buffer.concat([Buffer.from([0x80, 0x00, 0x00, 0x00, 0x05]), digest]);
}
