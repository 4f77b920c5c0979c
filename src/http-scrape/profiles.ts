/**
 * Loads the page descriptions in profiles/web/*.json, checks them, and picks the one
 * for a device. A broken profile file is a packaging error: it is reported by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { schemaProblem, WEB_SCHEMA_FILE } from '../profiles/schema.js';
import { regex } from '../profiles/values.js';
import { COUNTER_KEYS, type Reading } from '../reading/types.js';
import { PARSERS } from './parsers.js';
import { IDENTITY_FIELDS, type PageSpec, type ValueRule, type WebProfile } from './types.js';

/** src/http-scrape and dist/http-scrape are both two levels below the package root. */
export const PROFILE_DIR = fileURLToPath(new URL('../../profiles/web/', import.meta.url));

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

export function parseProfile(text: string, file: string): WebProfile {
  let o: WebProfile;
  try { o = JSON.parse(text) as WebProfile; } catch (e) { fail(file, `not valid JSON (${(e as Error).message})`); }
  if (typeof o.name !== 'string' || typeof o.vendor !== 'string') fail(file, 'needs name and vendor');
  if (o.model !== undefined) checkRegex(file, o.model, 'model');
  if (typeof o.onByDefault !== 'boolean') fail(file, 'needs onByDefault true/false');
  if (!Array.isArray(o.pages) || o.pages.length === 0) fail(file, 'needs pages');
  o.pages.forEach((p, i) => checkPage(file, p, `pages[${i}]`));
  // profiles/web.schema.json refuses what the checks above let through (an unknown key anywhere).
  const problem = schemaProblem(o, WEB_SCHEMA_FILE);
  if (problem) fail(file, problem);
  return { ...o, file };
}

let cache: WebProfile[] | null = null;

export function loadWebProfiles(dir: string = PROFILE_DIR): WebProfile[] {
  if (dir === PROFILE_DIR && cache) return cache;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const list = files.map((f) => parseProfile(readFileSync(join(dir, f), 'utf8'), f));
  if (dir === PROFILE_DIR) cache = list;
  return list;
}

/** The profile for a device: a vendor+model match beats a vendor-only match. */
export function matchWebProfile(reading: Reading, profiles: WebProfile[]): WebProfile | null {
  const vendor = reading.identity.vendor?.trim().toLowerCase();
  if (!vendor) return null;
  const model = reading.identity.model ?? '';
  let best: WebProfile | null = null;
  for (const p of profiles) {
    if (p.vendor.toLowerCase() !== vendor) continue;
    if (p.model !== undefined) {
      if (!regex(p.model).test(model)) continue;
      if (!best || best.model === undefined) best = p;
    } else if (!best) best = p;
  }
  return best;
}
