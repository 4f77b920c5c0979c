import type { WireIdentity } from '@amr/protocol';

/**
 * Which device a reading belongs to: serial number (with vendor, since two
 * makers may reuse a serial), else the MAC address. Never the IP address: DHCP
 * moves printers around and would merge or split billing histories.
 * Returns null when the reading names neither (the reading is kept, unattached).
 */
export function deviceKey(id: WireIdentity): string | null {
  if (id.serial) return `sn:${(id.vendor ?? '').trim().toLowerCase()}:${id.serial}`;
  if (id.mac) return `mac:${id.mac}`;
  return null;
}
