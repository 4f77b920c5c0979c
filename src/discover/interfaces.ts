/**
 * The host's own IPv4 subnets: what discovery sweeps when no targets are configured.
 * Loopback and link-local are skipped; subnets larger than `maxPrefix` are capped to
 * the block of that size around the host's address (and a note says so). Pure: the
 * interface list is passed in (tests inject one; the command passes os.networkInterfaces()).
 */
import { intToIp, ipToInt } from './targets.js';

export interface InterfaceAddress {
  address: string;
  netmask: string;
  family: string | number;
  internal: boolean;
}

export type InterfaceList = Record<string, InterfaceAddress[] | undefined>;

export interface OwnSubnets {
  /** CIDR targets, one per distinct subnet. */
  targets: string[];
  /** Human notes: capped subnets, skipped interfaces. */
  notes: string[];
}

function prefixOf(netmask: string): number | null {
  const m = ipToInt(netmask);
  const inverted = ~m >>> 0;
  // A valid mask is ones then zeros: inverted + 1 is a power of two.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}

export function ownSubnets(interfaces: InterfaceList, maxPrefix = 22): OwnSubnets {
  const targets: string[] = [];
  const notes: string[] = [];
  for (const [name, addrs] of Object.entries(interfaces)) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4' && a.family !== 4) continue;
      if (a.internal || a.address.startsWith('127.')) continue;
      if (a.address.startsWith('169.254.')) continue; // link-local: no printers worth finding, and huge
      const prefix = prefixOf(a.netmask);
      if (prefix === null || prefix >= 31) {
        notes.push(`${name} ${a.address}/${a.netmask}: no subnet to sweep`);
        continue;
      }
      const used = Math.max(prefix, maxPrefix);
      const mask = (0xffffffff << (32 - used)) >>> 0;
      const cidr = `${intToIp((ipToInt(a.address) & mask) >>> 0)}/${used}`;
      if (used !== prefix) {
        notes.push(`${name} ${a.address}/${prefix} is larger than /${maxPrefix}; sweeping only ${cidr} (list targets or raise [discovery] max_prefix to cover more)`);
      }
      if (!targets.includes(cidr)) targets.push(cidr);
    }
  }
  return { targets, notes };
}
