/**
 * Loads the page descriptions (registry/<family>/web.json), checks them, and picks the one
 * for a device: the registry's one match of the device to a family (the same match that
 * picks its SNMP profile), so a Savin or Lanier gets Ricoh's pages. A broken profile file
 * is a user error: it is reported by file and place.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { cleanText, families, familyById, familyByName, familyDirs, familyOf, matchFamilies, REGISTRY_DIR } from '../registry/families.js';
import { schemaProblem, WEB_SCHEMA_FILE } from '../profiles/schema.js';
import { regex } from '../profiles/values.js';
import { COUNTER_KEYS, type Reading } from '../reading/types.js';
import { PARSERS } from './parsers.js';
import { IDENTITY_FIELDS, type PageSpec, type ValueRule, type WebProfile } from './types.js';

/** The registry folder whose family folders hold the built-in web profiles. */
export const PROFILE_DIR = REGISTRY_DIR;
/** The web profiles of a family folder: web.json, or several (web-<model>.json) told apart by `model`. */
export const WEB_PROFILE_FILE = /^web(?:-[\w.-]+)?\.json$/i;

const FORMATS = ['html', 'xml', 'json', 'jsobject', 'text'];
const UNITS = ['impressions', 'sheets', 'pages', 'scans', 'other'];
const HEADERS = new Set(['cookie', 'referer', 'accept-language']);

/** A broken page description is a user error (exit 2, one line naming file and place), as an SNMP profile's is. */
function fail(file: string, what: string): never {
  throw new UserError(`web profile ${file}: ${what}; fix or remove the file`);
}

function checkRegex(file: string, src: unknown, where: string) {
  if (typeof src !== 'string') fail(file, `${where} must be a string`);
  try { new RegExp(src, 'i'); } catch { fail(file, `${where} is not a valid regex: ${src}`); }
}

function checkFind(file: string, r: ValueRule, where: string) {
  if (r.sum) {
    if (!Array.isArray(r.sum) || r.sum.length === 0) fail(file, `${where}: sum must be a non-empty list`);
    r.sum.forEach((p, i) => checkFind(file, p as ValueRule, `${where}.sum[${i}]`));
    return;
  }
  if (r.label !== undefined) checkRegex(file, r.label, `${where}.label`);
  if (r.after !== undefined) checkRegex(file, r.after, `${where}.after`);
  if (r.regex !== undefined) checkRegex(file, r.regex, `${where}.regex`);
  if (r.selector === undefined && r.label === undefined && r.regex === undefined && r.path === undefined) {
    fail(file, `${where} says neither selector, label, regex, path nor sum`);
  }
}

function checkRule(file: string, r: ValueRule, where: string) {
  const targets = [r.counter, r.extra, r.supply, r.identity].filter((t) => t !== undefined);
  if (targets.length !== 1) fail(file, `${where} needs exactly one of counter, extra, supply, identity`);
  if (r.counter !== undefined && !(COUNTER_KEYS as readonly string[]).includes(r.counter)) {
    fail(file, `${where}: unknown counter key "${r.counter}" (one of ${COUNTER_KEYS.join(', ')})`);
  }
  if (r.identity !== undefined && !(IDENTITY_FIELDS as readonly string[]).includes(r.identity)) fail(file, `${where}: unknown identity field`);
  if (r.supply !== undefined && typeof r.supply.type !== 'string') fail(file, `${where}: supply needs a type`);
  if (r.unit !== undefined && !UNITS.includes(r.unit)) fail(file, `${where}: unknown unit "${r.unit}"`);
  checkFind(file, r, where);
}

function checkPage(file: string, p: PageSpec, where: string) {
  if (typeof p.path !== 'string' || !p.path.startsWith('/') || p.path.startsWith('//')) fail(file, `${where}.path must start with one "/"`);
  if (!FORMATS.includes(p.format)) fail(file, `${where}.format must be one of ${FORMATS.join(', ')}`);
  if (p.parser !== undefined && !PARSERS[p.parser]) fail(file, `${where}: no parser named "${p.parser}"`);
  if (!p.parser && !(p.values && p.values.length)) fail(file, `${where} has neither values nor parser`);
  for (const h of Object.keys(p.headers ?? {})) if (!HEADERS.has(h.toLowerCase())) fail(file, `${where}: header ${h} not allowed`);
  (p.values ?? []).forEach((r, i) => checkRule(file, r, `${where}.values[${i}]`));
}

/** `family`: the registry folder the file is in, which names the vendor; a file elsewhere names it with `vendor`. */
export function parseProfile(text: string, file: string, family?: string): WebProfile {
  let o: WebProfile;
  try { o = JSON.parse(text) as WebProfile; } catch (e) { fail(file, `not valid JSON (${(e as Error).message})`); }
  if (typeof o.name !== 'string') fail(file, 'needs name');
  if (family === undefined && typeof o.vendor !== 'string') fail(file, 'needs vendor (or put the file in a vendor family\'s folder)');
  if (o.model !== undefined) checkRegex(file, o.model, 'model');
  if (typeof o.onByDefault !== 'boolean') fail(file, 'needs onByDefault true/false');
  if (!Array.isArray(o.pages) || o.pages.length === 0) fail(file, 'needs pages');
  o.pages.forEach((p, i) => checkPage(file, p, `pages[${i}]`));
  // registry/web.schema.json refuses what the checks above let through (an unknown key anywhere).
  const problem = schemaProblem(o, WEB_SCHEMA_FILE);
  if (problem) fail(file, problem);
  return family === undefined ? { ...o, file } : { ...o, family, file };
}

const cache = new Map<string, WebProfile[]>();

/** The web profiles of one folder: each family folder's web*.json, and files of their own (*.json naming a vendor) at the top. */
function loadFolder(dir: string, topFiles: boolean): WebProfile[] {
  const list: WebProfile[] = [];
  if (!existsSync(dir)) return list;
  if (topFiles) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.schema.json') && statSync(join(dir, n)).isFile()).sort()) {
      list.push(parseProfile(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
    }
  }
  for (const family of familyDirs(dir)) {
    for (const f of readdirSync(join(dir, family)).filter((n) => WEB_PROFILE_FILE.test(n)).sort()) {
      const file = join(dir, family, f);
      if (!topFiles && !familyById(family)) fail(file, `no vendor family "${family}" in amr's registry; use one of its folders (${families().map((x) => x.id).join(', ')})`);
      list.push(parseProfile(readFileSync(file, 'utf8'), file, family));
    }
  }
  return list;
}

/**
 * The built-in web profiles in `dir`, then the dealer's in <dataDir>/profiles/<family>/web.json
 * (the same shape as the registry's); a dealer profile replaces a built-in of the same name.
 */
export function loadWebProfiles(dir: string = PROFILE_DIR, dataDir?: string | null): WebProfile[] {
  const key = `${dir}\0${dataDir ?? ''}`;
  const hit = dir === PROFILE_DIR ? cache.get(key) : undefined;
  if (hit) return hit;
  const byName = new Map<string, WebProfile>();
  for (const p of loadFolder(dir, true)) byName.set(p.name, p);
  if (dataDir) for (const p of loadFolder(join(dataDir, 'profiles'), false)) byName.set(p.name, p);
  const list = [...byName.values()];
  if (dir === PROFILE_DIR) cache.set(key, list);
  return list;
}

/**
 * The profile for a device: among the profiles of the device's family, a model match beats
 * a family-wide one. The family is the registry's match of sysObjectID and sysDescr, the one
 * recognizeVendor names (a Savin is Ricoh); unlike the SNMP profile, pages never come from
 * the OID tree's family when sysDescr names another maker (an OEM e-STUDIO under Lexmark's
 * tree does not get Lexmark's pages). A Reading without them is matched by its vendor or brand name.
 */
export function matchWebProfile(reading: Reading, profiles: WebProfile[]): WebProfile | null {
  const name = reading.identity.vendor?.trim().toLowerCase() ?? '';
  const sysObjectID = cleanText(reading.identity.sysObjectID).replace(/^\./, '');
  const sysDescr = cleanText(reading.identity.sysDescr);
  let family: string | undefined;
  if (sysObjectID || sysDescr) {
    family = familyOf(matchFamilies(sysObjectID, sysDescr))?.id;
  }
  family ??= familyByName(name)?.id;
  if (!family && !name) return null;
  const model = reading.identity.model ?? '';
  let best: WebProfile | null = null;
  for (const p of profiles) {
    const mine = p.family !== undefined ? p.family === family : p.vendor!.toLowerCase() === name;
    if (!mine) continue;
    if (p.model !== undefined) {
      if (!regex(p.model).test(model)) continue;
      if (!best || best.model === undefined) best = p;
    } else if (!best) best = p;
  }
  return best;
}
