/**
 * The credentials a sweep tries, built from the config by the same rule `amr run` reads
 * with (src/snmp/credentials.ts): SNMPv3 users first (when version is auto or 3), then
 * each community as v2c, then as v1 (auto), or only the configured version. An address
 * with its own [device.ADDRESS] community or snmpv3 user is asked with its own list
 * instead, as `amr run` would ask it. What a found device remembers is the credential's
 * reference, which holds no secret.
 */
import type { Config } from '../config/types.js';
import { credentialsFor, type Credential, type CredentialRef } from '../snmp/credentials.js';

export type { Credential, CredentialRef } from '../snmp/credentials.js';

export function credentialRef(c: Credential): CredentialRef {
  if (!c.ref) throw new Error(`credential ${c.label} has no reference`);
  return c.ref;
}

export interface SweepCredentials {
  /** For every address without its own [device.ADDRESS] credentials. */
  common: Credential[];
  /** Addresses (dotted IPv4) with their own community or SNMPv3 user, and their whole list. */
  own: Map<string, Credential[]>;
}

/**
 * [device.X] sections keyed by an IPv4 address with a community or snmpv3 of their own.
 * Sections named by host name are not looked up here: a sweep goes by address.
 */
export function sweepCredentials(config: Pick<Config, 'snmp' | 'snmpv3' | 'device'>, version: string = config.snmp.version): SweepCredentials {
  const cfg = { ...config, snmp: { ...config.snmp, version: version as Config['snmp']['version'] } } as Config;
  const own = new Map<string, Credential[]>();
  for (const [addr, d] of Object.entries(config.device)) {
    if (d.ignore || (!d.community && !d.snmpv3) || !isIpv4(addr)) continue;
    const list = credentialsFor(cfg, addr);
    // None under this version (a community with --snmp-version 3 and no user): nothing to ask it with.
    if (list.length) own.set(addr, list);
  }
  return { common: credentialsFor(cfg), own };
}

function isIpv4(s: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(s) && s.split('.').every((p) => Number(p) <= 255);
}
