/**
 * Privacy masking for recordings sent to support. Always: sysName, sysContact,
 * sysLocation and every IPv4 address (values, table indexes and text). On request:
 * serial numbers and MAC addresses. Replacements are consistent within a recording
 * (the same address always maps to the same stand-in) so tables still join up. Pure.
 */
import type { Varbind } from '../snmp/types.js';

export interface MaskOptions {
  maskSerial?: boolean;
  maskMac?: boolean;
  /** OIDs known to hold serial numbers (Printer-MIB plus the matched profile's). */
  serialOids?: string[];
}

const SYS_CONTACT = '1.3.6.1.2.1.1.4.0';
const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const SYS_LOCATION = '1.3.6.1.2.1.1.6.0';
const IF_PHYS_ADDRESS = '1.3.6.1.2.1.2.2.1.6.';
const PRT_SERIAL = '1.3.6.1.2.1.43.5.1.1.17.';
/** Tables indexed by an IPv4 address: ipAddrTable, ipRouteTable, ipNetToMediaTable, TCP/UDP. */
const IP_INDEXED = ['1.3.6.1.2.1.4.20.1.', '1.3.6.1.2.1.4.21.1.', '1.3.6.1.2.1.4.22.1.', '1.3.6.1.2.1.6.13.1.', '1.3.6.1.2.1.7.5.1.'];
const IP_RE = /\b(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\b/g;
const KEEP_IPS = new Set(['0.0.0.0', '255.255.255.255', '127.0.0.1', '255.255.255.0', '255.255.0.0', '255.0.0.0']);

export function maskVarbinds(varbinds: Varbind[], opts: MaskOptions = {}): Varbind[] {
  const ips = new Map<string, string>();
  // Stand-ins from TEST-NET-1 (RFC 5737): never a real customer address.
  const ip = (a: string) => {
    if (KEEP_IPS.has(a) || a.startsWith('255.')) return a;
    let m = ips.get(a);
    if (!m) { m = `192.0.2.${(ips.size % 254) + 1}`; ips.set(a, m); }
    return m;
  };
  const maskIpsInText = (t: string) => t.replace(IP_RE, (a) => ip(a));

  const serialOids = [PRT_SERIAL, ...(opts.serialOids ?? [])];
  const serials = new Map<string, string>();
  if (opts.maskSerial) {
    for (const vb of varbinds) {
      if (!Buffer.isBuffer(vb.value)) continue;
      if (!serialOids.some((s) => vb.oid === s || vb.oid.startsWith(s.endsWith('.') ? s : s + '.') || vb.oid === s.replace(/\.$/, ''))) continue;
      const text = vb.value.toString('latin1').replace(/\0+$/, '').trim();
      if (text.length >= 4 && !serials.has(text)) serials.set(text, `SERIAL${String(serials.size + 1).padStart(4, '0')}`);
    }
  }
  const macs = new Map<string, Buffer>();
  const mac = (b: Buffer) => {
    if (b.length !== 6 || b.every((x) => x === 0)) return b;
    const k = b.toString('hex');
    let m = macs.get(k);
    if (!m) { m = Buffer.from([0x02, 0, 0, 0, (macs.size >> 8) & 0xff, (macs.size + 1) & 0xff]); macs.set(k, m); }
    return m;
  };

  return varbinds.map((vb) => {
    let oid = vb.oid;
    const table = IP_INDEXED.find((p) => oid.startsWith(p));
    if (table) {
      const rest = oid.slice(table.length).split('.');
      // column, then the address (ipAddrTable: col.a.b.c.d); other tables may carry two.
      oid = table + [rest[0], ...rest.slice(1).join('.').replace(IP_RE, (a) => ip(a)).split('.')].join('.');
    }
    if (vb.oid === SYS_NAME || vb.oid === SYS_CONTACT || vb.oid === SYS_LOCATION) {
      return { oid, type: vb.type, value: Buffer.from('<private>') };
    }
    if (vb.type === 'IpAddress' && typeof vb.value === 'string') return { oid, type: vb.type, value: ip(vb.value) };
    if (Buffer.isBuffer(vb.value)) {
      if (opts.maskMac && vb.oid.startsWith(IF_PHYS_ADDRESS)) return { oid, type: vb.type, value: mac(vb.value) };
      const text = vb.value.toString('latin1');
      let masked = maskIpsInText(text);
      for (const [s, m] of serials) masked = masked.split(s).join(m);
      if (masked !== text) return { oid, type: vb.type, value: Buffer.from(masked, 'latin1') };
    }
    return { oid, type: vb.type, value: vb.value };
  });
}
