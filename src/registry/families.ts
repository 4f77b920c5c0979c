/**
 * The vendor registry: one folder per vendor family under registry/ (registry/ricoh/,
 * registry/kyocera/...), the folder name being the family's id. A family folder holds
 *   vendor.json  how a device is recognised as this family (sysObjectID prefixes,
 *                sysDescr patterns, brands, model patterns), read by recognize.ts;
 *   snmp.yaml    the family's SNMP profile (src/profiles), with no match section;
 *   web.json     the family's web-page profile (src/http-scrape), with no vendor.
 * A device is matched once, here, to one family; that id picks both profiles.
 * Pure once loaded: the files are read on first use and kept.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';

/** The package's registry/ folder: two levels up from src/registry or dist/registry. */
export const REGISTRY_DIR = fileURLToPath(new URL('../../registry/', import.meta.url));

export type DeviceKind = 'printer' | 'mfp' | 'network' | 'host' | 'other';
export type ModelSource = 'sysDescr' | 'hrDeviceDescr' | 'deviceId' | 'vendorModel';

export interface Family {
  /** The folder name: the one key of the family's classification and profiles. */
  id: string;
  /** The maker's name as amr reports it (identity.vendor, unless a brand is on the device). */
  vendor: string;
  /** sysObjectID prefixes (longest wins across all families); kind null: names the vendor only. */
  oids: Array<{ prefix: string; kind: DeviceKind | null }>;
  /** sysDescr patterns, tried in order; kind null: names the vendor only. */
  descr: Array<{ re: RegExp; kind: DeviceKind | null }>;
  brands: Array<{ brand: string; re: RegExp }>;
  models: Array<{ from: ModelSource; re: RegExp }>;
  mfp: RegExp | null;
}

/** The values and keys vendor.json may use; registry/vendor.schema.json says the same (test/registry/profiles.test.ts). */
export const KINDS: readonly string[] = ['printer', 'mfp', 'network', 'host', 'other'];
export const SOURCES: readonly string[] = ['sysDescr', 'hrDeviceDescr', 'deviceId', 'vendorModel'];
export const KEYS = new Set(['$comment', 'vendor', 'oids', 'descr', 'brands', 'models', 'mfp']);
export const ENTRY_KEYS: Record<string, string[]> = { oids: ['prefix', 'kind'], descr: ['match', 'kind'], brands: ['brand', 'match'], models: ['from', 'match'] };

/** The classification file of a family folder. */
export const VENDOR_FILE = 'vendor.json';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one vendor.json; a broken one is a user error naming the file and the place. */
export function parseFamily(id: string, raw: unknown, file: string): Family {
  const fail = (what: string): never => { throw new UserError(`vendor file ${file}: ${what}; fix or remove the file`); };
  if (!isObj(raw)) fail('expected a JSON object with vendor, oids, descr');
  const o = raw as Obj;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) fail(`unknown key "${k}"`);
  if (typeof o.vendor !== 'string' || !o.vendor) fail('vendor: required, the maker\'s name');
  const re = (v: unknown, where: string): RegExp => {
    if (typeof v !== 'string') fail(`${where}: expected a regular expression string`);
    try { return new RegExp(v as string, 'i'); } catch (e) { return fail(`${where}: bad regular expression: ${(e as Error).message}`); }
  };
  const kind = (v: unknown, where: string): DeviceKind | null => {
    if (v === undefined) return null;
    if (typeof v !== 'string' || !KINDS.includes(v)) fail(`${where}: kind must be one of ${KINDS.join(', ')}`);
    return v as DeviceKind;
  };
  const entries = (key: string): Obj[] => {
    const list = o[key];
    if (list === undefined) return [];
    if (!Array.isArray(list)) fail(`${key}: expected a list`);
    return (list as unknown[]).map((e, i) => {
      if (!isObj(e)) fail(`${key}[${i}]: expected an object`);
      for (const k of Object.keys(e as Obj)) if (!ENTRY_KEYS[key]!.includes(k)) fail(`${key}[${i}]: unknown key "${k}"`);
      return e as Obj;
    });
  };
  return {
    id,
    vendor: o.vendor as string,
    oids: entries('oids').map((e, i) => {
      const prefix = typeof e.prefix === 'string' ? e.prefix.replace(/^\./, '') : '';
      if (!/^\d+(\.\d+)+$/.test(prefix)) fail(`oids[${i}].prefix: "${String(e.prefix)}" is not a dotted OID`);
      return { prefix, kind: kind(e.kind, `oids[${i}].kind`) };
    }),
    descr: entries('descr').map((e, i) => ({ re: re(e.match, `descr[${i}].match`), kind: kind(e.kind, `descr[${i}].kind`) })),
    brands: entries('brands').map((e, i) => {
      if (typeof e.brand !== 'string') fail(`brands[${i}].brand: expected the name on the device`);
      return { brand: e.brand as string, re: re(e.match, `brands[${i}].match`) };
    }),
    models: entries('models').map((e, i) => {
      if (typeof e.from !== 'string' || !SOURCES.includes(e.from)) fail(`models[${i}].from: must be one of ${SOURCES.join(', ')}`);
      return { from: e.from as ModelSource, re: re(e.match, `models[${i}].match`) };
    }),
    mfp: o.mfp === undefined ? null : re(o.mfp, 'mfp'),
  };
}

/** The family folders of a registry directory, in name order. */
export function familyDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isDirectory()).sort();
}

export function loadFamilies(dir: string = REGISTRY_DIR): Family[] {
  const out: Family[] = [];
  for (const id of familyDirs(dir)) {
    const file = join(dir, id, VENDOR_FILE);
    if (!existsSync(file)) continue;
    let raw: unknown;
    try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
      throw new UserError(`vendor file ${file}: not valid JSON (${(e as Error).message.split('\n')[0]}); fix or remove the file`);
    }
    out.push(parseFamily(id, raw, file));
  }
  return out;
}

let builtin: Family[] | null = null;
/** The built-in families, read once. */
export function families(): Family[] {
  return (builtin ??= loadFamilies());
}

export function familyById(id: string): Family | undefined {
  return families().find((f) => f.id === id);
}

/** The family whose vendor or brand name this is (a Reading that has only names). */
export function familyByName(name: string | null | undefined): Family | undefined {
  const n = (name ?? '').trim().toLowerCase();
  if (!n) return undefined;
  return families().find((f) => f.vendor.toLowerCase() === n || f.id === n || f.brands.some((b) => b.brand.toLowerCase() === n));
}

export interface FamilyHits {
  /** The first family (in name order) whose sysDescr pattern matches, and the entry. */
  descr: { family: Family; re: RegExp; kind: DeviceKind | null } | null;
  /** The family of the longest sysObjectID prefix that contains the device's. */
  oid: { family: Family; prefix: string; kind: DeviceKind | null } | null;
}

function inPrefix(oid: string, prefix: string): boolean {
  return oid === prefix || oid.startsWith(prefix + '.');
}

/**
 * The one match of a device to the registry, from sysObjectID and sysDescr. Both hits are
 * returned: the name in sysDescr beats the OID tree it sits under (HP JetDirect cards under
 * Kyocera's tree, Toshiba e-STUDIOs under Lexmark's), and a sysDescr family without a profile
 * of some kind (Dell) leaves that profile to the OID's family.
 */
export function matchFamilies(sysObjectID: string, sysDescr: string, list: readonly Family[] = families()): FamilyHits {
  let oid: FamilyHits['oid'] = null;
  if (sysObjectID) {
    for (const family of list) {
      for (const o of family.oids) {
        if (inPrefix(sysObjectID, o.prefix) && (!oid || o.prefix.length > oid.prefix.length)) oid = { family, prefix: o.prefix, kind: o.kind };
      }
    }
  }
  let descr: FamilyHits['descr'] = null;
  if (sysDescr) {
    outer: for (const family of list) {
      for (const d of family.descr) if (d.re.test(sysDescr)) { descr = { family, re: d.re, kind: d.kind }; break outer; }
    }
  }
  return { descr, oid };
}

/** The device's family: the maker named in sysDescr, else the sysObjectID tree's (what recognizeVendor reports). */
export function familyOf(hits: FamilyHits): Family | undefined {
  return (hits.descr ?? hits.oid)?.family;
}

/** The family whose profile (of the kind `has` tests) a device gets, and how it was matched. */
export function profileFamily(hits: FamilyHits, has: (id: string) => boolean): { id: string; by: 'sysDescr' | 'sysObjectID'; prefix?: string } | null {
  if (hits.descr && has(hits.descr.family.id)) return { id: hits.descr.family.id, by: 'sysDescr' };
  if (hits.oid && has(hits.oid.family.id)) return { id: hits.oid.family.id, by: 'sysObjectID', prefix: hits.oid.prefix };
  return null;
}

/** sysObjectID and sysDescr as the matcher compares them: no leading dot, no NUL padding, one space. */
export function cleanText(s: string | null | undefined): string {
  // Recordings and some agents pad with NULs or spaces; LibreNMS masks private values.
  return (s ?? '').replace(/\0+$/g, '').replace(/\s+/g, ' ').trim();
}
