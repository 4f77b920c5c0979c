/**
 * Recognises a device's maker: vendor family, brand on the device, model and what kind of
 * device it is, from the registry's vendor.json files (registry/<family>/vendor.json).
 * Pure: strings in, an answer out.
 */
import { cleanText as clean, families, familyOf, matchFamilies, type DeviceKind, type Family, type ModelSource } from './families.js';

export type { DeviceKind } from './families.js';

export interface VendorInput {
  sysObjectID?: string | null;
  sysDescr?: string | null;
  hrDeviceDescr?: string | null;
  /** IEEE 1284 device ID string (MFG:...;MDL:...;), where the vendor publishes one. */
  deviceId?: string | null;
  /** Model text read with the matching vendor profile's model OIDs, where read. */
  vendorModel?: string | null;
}

export interface VendorMatch {
  /** The registry family (its folder name): the key of its SNMP and web profiles. */
  family: string;
  vendor: string;
  /** The name on the device when it differs from the vendor (Savin, Develop, Utax, Fuji Xerox...). */
  brand?: string;
  model?: string;
  /** What vendor knowledge says the device is; absent when it does not say. */
  kind?: DeviceKind;
  /** How the vendor was recognised, for "why" messages. */
  by: 'sysObjectID' | 'sysDescr';
  /** The sysObjectID prefix or sysDescr pattern that gave the kind. */
  evidence: string;
}

function extractModel(v: Family, input: Record<ModelSource, string>): string | undefined {
  for (const m of v.models) {
    const text = input[m.from];
    if (!text || text === '<private>') continue;
    const found = m.re.exec(text)?.[1]?.trim();
    if (found) return found;
  }
  return undefined;
}

/** Vendor, brand, model and kind of a device; null when no vendor knowledge matches. */
export function recognizeVendor(input: VendorInput): VendorMatch | null {
  const oid = clean(input.sysObjectID).replace(/^\./, '');
  const texts: Record<ModelSource, string> = {
    sysDescr: clean(input.sysDescr),
    hrDeviceDescr: clean(input.hrDeviceDescr),
    deviceId: clean(input.deviceId),
    vendorModel: clean(input.vendorModel),
  };
  const hits = matchFamilies(oid, texts.sysDescr, families());
  const o = hits.oid ? { v: hits.oid.family, prefix: hits.oid.prefix, kind: hits.oid.kind } : null;
  // The name printed in sysDescr beats the OID tree it sits under: HP JetDirect cards under
  // Kyocera's tree, Toshiba e-STUDIOs under Lexmark's, Dells under several.
  const d = hits.descr ? { v: hits.descr.family, re: hits.descr.re, kind: hits.descr.kind } : null;
  const v = familyOf(hits);
  if (!v) return null;
  let kind: DeviceKind | undefined;
  let evidence: string;
  let by: VendorMatch['by'];
  if (o && (o.kind === 'printer' || o.kind === 'mfp')) {
    kind = o.kind;
    evidence = `sysObjectID ${oid} (${o.v.vendor} ${o.prefix})`;
    by = o.v === v ? 'sysObjectID' : 'sysDescr';
  } else if (d?.kind) {
    kind = d.kind;
    evidence = `sysDescr matches ${v.vendor} pattern /${d.re.source}/`;
    by = 'sysDescr';
  } else if (o) {
    kind = o.kind ?? undefined;
    evidence = `sysObjectID ${oid} (${o.v.vendor} ${o.prefix})`;
    by = o.v === v ? 'sysObjectID' : 'sysDescr';
  } else {
    evidence = `sysDescr names ${v.vendor}`;
    by = 'sysDescr';
  }
  const match: VendorMatch = { family: v.id, vendor: v.vendor, by, evidence };
  for (const b of v.brands) {
    if (b.re.test(texts.sysDescr) || b.re.test(texts.hrDeviceDescr)) {
      match.brand = b.brand;
      break;
    }
  }
  const model = extractModel(v, texts);
  if (model) match.model = model;
  if (kind === 'printer' && model && v.mfp?.test(model)) kind = 'mfp';
  if (kind) match.kind = kind;
  return match;
}

