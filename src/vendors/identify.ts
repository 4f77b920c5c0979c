/**
 * Who made a device, under which brand, which model, and what kind of device it is,
 * from the vendor knowledge in vendors.json. Pure: strings in, an answer out.
 */
import data from './vendors.json' with { type: 'json' };

export type DeviceKind = 'printer' | 'mfp' | 'network' | 'host' | 'other';
type ModelSource = 'sysDescr' | 'hrDeviceDescr' | 'deviceId' | 'vendorModel';

interface VendorSpec {
  vendor: string;
  oids?: Array<{ prefix: string; kind: string }>;
  descr?: Array<{ match: string; kind?: string }>;
  brands?: Array<{ brand: string; match: string }>;
  models?: Array<{ from: string; match: string }>;
  mfp?: string;
}

interface CompiledVendor {
  vendor: string;
  oids: Array<{ prefix: string; kind: DeviceKind }>;
  descr: Array<{ re: RegExp; kind: DeviceKind | null }>;
  brands: Array<{ brand: string; re: RegExp }>;
  models: Array<{ from: ModelSource; re: RegExp }>;
  mfp: RegExp | null;
}

const KINDS: readonly DeviceKind[] = ['printer', 'mfp', 'network', 'host', 'other'];
const SOURCES: readonly ModelSource[] = ['sysDescr', 'hrDeviceDescr', 'deviceId', 'vendorModel'];

function kindOf(k: string | undefined, where: string): DeviceKind | null {
  if (k === undefined) return null;
  if (!(KINDS as readonly string[]).includes(k)) throw new Error(`vendors.json: ${where}: unknown kind "${k}"`);
  return k as DeviceKind;
}

/** Compile (and so validate) the data once; a bad pattern fails at load, not mid-sweep. */
export function compileVendors(specs: readonly VendorSpec[]): CompiledVendor[] {
  return specs.map((v) => ({
    vendor: v.vendor,
    oids: (v.oids ?? []).map((o) => ({ prefix: o.prefix.replace(/^\./, ''), kind: kindOf(o.kind, v.vendor)! })),
    descr: (v.descr ?? []).map((d) => ({ re: new RegExp(d.match, 'i'), kind: kindOf(d.kind, v.vendor) })),
    brands: (v.brands ?? []).map((b) => ({ brand: b.brand, re: new RegExp(b.match, 'i') })),
    models: (v.models ?? []).map((m) => {
      if (!(SOURCES as readonly string[]).includes(m.from)) throw new Error(`vendors.json: ${v.vendor}: unknown model source "${m.from}"`);
      return { from: m.from as ModelSource, re: new RegExp(m.match, 'i') };
    }),
    mfp: v.mfp ? new RegExp(v.mfp, 'i') : null,
  }));
}

const VENDORS = compileVendors((data as { vendors: VendorSpec[] }).vendors);

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

function inPrefix(oid: string, prefix: string): boolean {
  return oid === prefix || oid.startsWith(prefix + '.');
}

function byOid(oid: string): { v: CompiledVendor; prefix: string; kind: DeviceKind } | null {
  let best: { v: CompiledVendor; prefix: string; kind: DeviceKind } | null = null;
  for (const v of VENDORS) {
    for (const o of v.oids) {
      if (inPrefix(oid, o.prefix) && (!best || o.prefix.length > best.prefix.length)) best = { v, prefix: o.prefix, kind: o.kind };
    }
  }
  return best;
}

function byDescr(text: string): { v: CompiledVendor; re: RegExp; kind: DeviceKind | null } | null {
  for (const v of VENDORS) {
    for (const d of v.descr) if (d.re.test(text)) return { v, re: d.re, kind: d.kind };
  }
  return null;
}

function clean(s: string | null | undefined): string {
  // Recordings and some agents pad with NULs or spaces; LibreNMS masks private values.
  return (s ?? '').replace(/\0+$/g, '').replace(/\s+/g, ' ').trim();
}

function extractModel(v: CompiledVendor, input: Record<ModelSource, string>): string | undefined {
  for (const m of v.models) {
    const text = input[m.from];
    if (!text || text === '<private>') continue;
    const found = m.re.exec(text)?.[1]?.trim();
    if (found) return found;
  }
  return undefined;
}

/** Vendor, brand, model and kind of a device; null when no vendor knowledge matches. */
export function identifyVendor(input: VendorInput): VendorMatch | null {
  const oid = clean(input.sysObjectID).replace(/^\./, '');
  const texts: Record<ModelSource, string> = {
    sysDescr: clean(input.sysDescr),
    hrDeviceDescr: clean(input.hrDeviceDescr),
    deviceId: clean(input.deviceId),
    vendorModel: clean(input.vendorModel),
  };
  const o = oid ? byOid(oid) : null;
  // The name printed in sysDescr beats the OID tree it sits under: HP JetDirect cards under
  // Kyocera's tree, Toshiba e-STUDIOs under Lexmark's, Dells under several.
  const d = texts.sysDescr ? byDescr(texts.sysDescr) : null;
  const v = d?.v ?? o?.v;
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
    kind = o.kind;
    evidence = `sysObjectID ${oid} (${o.v.vendor} ${o.prefix})`;
    by = o.v === v ? 'sysObjectID' : 'sysDescr';
  } else {
    evidence = `sysDescr names ${v.vendor}`;
    by = 'sysDescr';
  }
  const match: VendorMatch = { vendor: v.vendor, by, evidence };
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

