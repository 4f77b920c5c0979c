/**
 * The short identification step a responder gets: one GETNEXT round for the standard
 * objects (system group, first hrDevice row, first MAC, Printer-MIB presence and serial),
 * a few more only if the first interface has no MAC, and one GET of the serial/model OIDs
 * of the vendor profile the device matches (registry/<family>/snmp.yaml: the same identity rules a
 * full read applies, so discovery and reading key a device by the same serial).
 * Written against two abstract operations so the same plan runs over a net-snmp session
 * (responder.ts, the session layer a read uses) and over a recording (tests, and anyone
 * classifying offline).
 */
import { identityOids, readIdentity } from '../profiles/identity.js';
import { selectProfile } from '../profiles/select.js';
import type { Profile } from '../profiles/types.js';
import { compareOids, inSubtree, isException, type Varbind } from '../snmp/types.js';
import { VarbindTable } from '../snmp/varbind-table.js';
import { cleanSerial } from '../reading/serial.js';

export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  ifPhysAddress: '1.3.6.1.2.1.2.2.1.6',
  hrDeviceType: '1.3.6.1.2.1.25.3.2.1.2',
  hrDeviceDescr: '1.3.6.1.2.1.25.3.2.1.3',
  printerMib: '1.3.6.1.2.1.43',
  prtGeneralSerialNumber: '1.3.6.1.2.1.43.5.1.1.17',
  hrDevicePrinter: '1.3.6.1.2.1.25.3.1.5',
} as const;

/** What a sweep probe asks every address (GET). */
export const PROBE_OIDS = [OID.sysDescr, OID.sysObjectID, OID.sysName] as const;

/** The first identification round (GETNEXT): each answer is the first object after it. */
const STEP_A = [
  '1.3.6.1.2.1.1.1', '1.3.6.1.2.1.1.2', '1.3.6.1.2.1.1.5',
  OID.hrDeviceType, OID.hrDeviceDescr, OID.ifPhysAddress, OID.printerMib, OID.prtGeneralSerialNumber,
] as const;

/** One answer per asked OID, in order; null where the agent had nothing (v1 noSuchName, exceptions). */
export interface SnmpOps {
  getNext(oids: readonly string[]): Promise<Array<Varbind | null>>;
  get(oids: readonly string[]): Promise<Array<Varbind | null>>;
}

export interface DeviceFacts {
  sysDescr?: string;
  sysObjectID?: string;
  sysName?: string;
  /** First hrDeviceTable row's type OID and description. */
  hrDeviceType?: string;
  hrDeviceDescr?: string;
  /** First object found under the Printer-MIB (1.3.6.1.2.1.43), if any. */
  printerMibOid?: string;
  serial?: string;
  /** Where the serial came from (an OID or "sysDescr"). */
  serialFrom?: string;
  mac?: string;
  deviceId?: string;
  vendorModel?: string;
  /** Some hrDeviceTable row is a printer (hrDevicePrinter); alone, this does not make a printer. */
  listsPrinter?: boolean;
}

function text(vb: Varbind | null | undefined): string | undefined {
  if (!vb || isException(vb)) return undefined;
  if (Buffer.isBuffer(vb.value)) return vb.value.toString('latin1').replace(/\0+$/, '').trim();
  if (vb.value === null) return undefined;
  return String(vb.value);
}

/** aa:bb:cc:dd:ee:ff from a 6-octet ifPhysAddress; undefined for empty, all-zero or broadcast. */
function macOf(vb: Varbind | null | undefined): string | undefined {
  if (!vb || !Buffer.isBuffer(vb.value) || vb.value.length !== 6) return undefined;
  const b = vb.value;
  if (b.every((x) => x === 0) || b.every((x) => x === 0xff)) return undefined;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function under(vb: Varbind | null | undefined, prefix: string): vb is Varbind {
  return !!vb && !isException(vb) && inSubtree(vb.oid, prefix);
}

/** Gather a responder's facts (the identification plan); never throws for missing objects, only for transport errors. */
export async function gatherFacts(ops: SnmpOps, profiles: readonly Profile[]): Promise<DeviceFacts> {
  const a = await ops.getNext(STEP_A);
  const f: DeviceFacts = {};
  const exact = (i: number, oid: string) => (a[i]?.oid === oid ? text(a[i]) : undefined);
  f.sysDescr = exact(0, OID.sysDescr);
  const oidVb = a[1];
  if (oidVb?.oid === OID.sysObjectID && oidVb.type === 'OID') f.sysObjectID = String(oidVb.value);
  f.sysName = exact(2, OID.sysName);
  if (under(a[3], OID.hrDeviceType) && a[3].type === 'OID') f.hrDeviceType = String(a[3].value);
  if (under(a[4], OID.hrDeviceDescr)) f.hrDeviceDescr = text(a[4]);
  if (under(a[6], OID.printerMib)) f.printerMibOid = a[6].oid;
  if (under(a[7], OID.prtGeneralSerialNumber)) {
    const s = cleanSerial(text(a[7]));
    if (s) {
      f.serial = s;
      f.serialFrom = a[7].oid;
    }
  }
  // Without the Printer-MIB, look a little further down hrDeviceTable so the verdict can say
  // "lists a printer" (print servers, CUPS hosts and BMCs do) rather than guess.
  let row = a[3];
  for (let hops = 0; under(row, OID.hrDeviceType); hops++) {
    if (row.value === OID.hrDevicePrinter) {
      f.listsPrinter = true;
      break;
    }
    if (f.printerMibOid || hops >= 16) break;
    row = (await ops.getNext([row.oid]))[0];
  }
  // MAC: the first interface with a real 6-octet address (loopback and tunnels have none).
  let macVb = a[5];
  for (let hops = 0; hops < 8 && under(macVb, OID.ifPhysAddress); hops++) {
    const mac = macOf(macVb);
    if (mac) {
      f.mac = mac;
      break;
    }
    macVb = (await ops.getNext([macVb.oid]))[0];
  }
  // The vendor profile's serial and model where the standard objects lack them.
  const system = [a[0], a[1]].filter((vb): vb is Varbind => !!vb && (vb.oid === OID.sysDescr || vb.oid === OID.sysObjectID));
  const profile = selectProfile(system, profiles);
  if (profile) {
    const modelOids = identityOids(profile, ['model']);
    const ask = identityOids(profile, ['serial', 'model']);
    const b = ask.length ? await ops.get(ask) : [];
    const table = new VarbindTable([...system, ...b.filter((vb): vb is Varbind => vb !== null)]);
    if (!f.serial) {
      const s = readIdentity(profile, table, 'serial');
      if (s) {
        f.serial = s.value;
        f.serialFrom = s.from;
      }
    }
    // Model texts go to the vendor registry's model rules (registry/<family>/vendor.json), which also read
    // IEEE 1284 device-ID strings.
    for (const oid of modelOids) {
      const t = text(table.get(oid));
      if (!t || t === '<private>') continue;
      if (/(?:^|;)\s*(?:MDL|MODEL|MFG|MANUFACTURER)\s*:/i.test(t)) f.deviceId ??= t;
      else f.vendorModel ??= t;
    }
  }
  return f;
}

/** The system group from a probe reply, so a device that ignores identification still has a name. */
export function factsFromProbe(vbs: readonly Varbind[]): DeviceFacts {
  const f: DeviceFacts = {};
  for (const vb of vbs) {
    if (isException(vb)) continue;
    if (vb.oid === OID.sysDescr && Buffer.isBuffer(vb.value)) f.sysDescr = text(vb);
    else if (vb.oid === OID.sysObjectID && vb.type === 'OID') f.sysObjectID = String(vb.value);
    else if (vb.oid === OID.sysName && Buffer.isBuffer(vb.value)) f.sysName = text(vb);
  }
  return f;
}

export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** SnmpOps over a recording (sorted varbinds): what an agent serving it would answer. */
export function recordingOps(varbinds: readonly Varbind[]): SnmpOps {
  const sorted = varbinds;
  const byOid = new Map(sorted.map((vb) => [vb.oid, vb]));
  const next = (oid: string): Varbind | null => {
    // Binary search for the first OID strictly after `oid`.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOids(sorted[mid]!.oid, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return sorted[lo] ?? null;
  };
  return {
    getNext: async (oids) => oids.map(next),
    get: async (oids) => oids.map((o) => byOid.get(o) ?? null),
  };
}
