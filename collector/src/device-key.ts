import type { WireIdentity } from '@amr/protocol';

/**
 * Which device a reading belongs to: serial number (with vendor, since two
 * makers may reuse a serial), else the MAC address. Never the IP address alone:
 * DHCP moves printers around and would merge or split billing histories.
 *
 * A printer that gives neither (some print servers hide both) must not vanish:
 * it is kept under a fallback key, the agent + the address it was read at + its
 * model, and flagged (`identified_by = 'fallback'`). When the same agent later
 * reads a serial or MAC at that address for that model, the fallback device is
 * merged into the serial-keyed one with its history (ingest.ts).
 */
export type IdentifiedBy = 'serial' | 'mac' | 'fallback';

export function deviceKey(id: WireIdentity, agentId: string, host: string | null): { key: string; by: IdentifiedBy } {
  if (id.serial) return { key: `sn:${(id.vendor ?? '').trim().toLowerCase()}:${id.serial}`, by: 'serial' };
  if (id.mac) return { key: `mac:${id.mac}`, by: 'mac' };
  return { key: fallbackKey(id, agentId, host), by: 'fallback' };
}

/** agent + address + model; the parts that are missing say so rather than matching anything. */
export function fallbackKey(id: WireIdentity, agentId: string, host: string | null): string {
  const address = (id.ip ?? host ?? '-').trim().toLowerCase();
  const model = (id.model ?? id.sysObjectID ?? '-').trim().toLowerCase();
  return `fb:${agentId}:${address}:${model}`;
}
