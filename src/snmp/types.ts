/**
 * The one representation of SNMP data inside amr: what a session returns, what a
 * recording (.snmprec) holds, what the simulator serves and what decoders read.
 */
export type VarType =
  | 'Integer'      // Integer32 (snmprec tag 2)
  | 'OctetString'  // tags 4 and 4x; value is a Buffer
  | 'Null'         // tag 5
  | 'OID'          // tag 6; value is a dotted string without leading dot
  | 'IpAddress'    // tag 64; value is a dotted quad string
  | 'Counter32'    // tag 65
  | 'Gauge32'      // tag 66
  | 'TimeTicks'    // tag 67; hundredths of a second
  | 'Opaque'       // tag 68; Buffer
  | 'Counter64'    // tag 70; value is a bigint
  | 'NoSuchObject'
  | 'NoSuchInstance'
  | 'EndOfMibView';

export interface Varbind {
  /** Dotted OID without a leading dot, e.g. "1.3.6.1.2.1.1.2.0". */
  oid: string;
  type: VarType;
  value: number | bigint | string | Buffer | null;
}

/** The exceptions SNMPv2 returns in place of a value. */
export function isException(vb: Varbind): boolean {
  return vb.type === 'NoSuchObject' || vb.type === 'NoSuchInstance' || vb.type === 'EndOfMibView';
}

/**
 * Compare two dotted OIDs in lexicographic (MIB walk) order. Called for every varbind
 * walked and sorted, so it parses in place rather than splitting strings.
 */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let na = 0;
    let nb = 0;
    for (let c = a.charCodeAt(i); i < a.length && c !== 46; c = a.charCodeAt(++i)) na = na * 10 + (c - 48);
    for (let c = b.charCodeAt(j); j < b.length && c !== 46; c = b.charCodeAt(++j)) nb = nb * 10 + (c - 48);
    if (na !== nb) return na - nb;
    i++;
    j++;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

/** True when `oid` lies strictly inside the subtree `prefix`. */
export function inSubtree(oid: string, prefix: string): boolean {
  return oid.startsWith(prefix + '.');
}
