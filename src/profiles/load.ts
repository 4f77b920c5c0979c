/**
 * Loads the SNMP profiles: the built-ins in the package's registry/ folder (one a vendor
 * family: registry/<family>/snmp.yaml), then the dealer's <dataDir>/profiles/, in the same
 * shape (<dataDir>/profiles/<family>/snmp.yaml) or as a file of its own with a match
 * section (<dataDir>/profiles/acme.yaml). A dealer file replaces a built-in of the same name.
 * A profile in a family folder has no match section: the family's vendor.json matches it
 * (src/registry/families.ts), so classification and profile choice are one match.
 * Files are read at every load, so a dealer edit needs no rebuild. The built-ins are
 * also compiled to JSON at build time (scripts/compile-profiles.mjs): used while it is
 * newer than every profile file, it spares each run loading a YAML parser (several MB).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { familyById, familyDirs, families, REGISTRY_DIR } from '../registry/families.js';
import type { Profile } from './types.js';
import { ProfileError, validateProfile } from './validate.js';

/** The package's registry/ folder, whose family folders hold the built-in profiles. */
export const BUILTIN_PROFILE_DIR = REGISTRY_DIR;
/** The built-ins compiled at build time, beside this module in dist/profiles. */
export const BUILTIN_PROFILE_CACHE = fileURLToPath(new URL('./builtin-profiles.json', import.meta.url));

const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

export interface LoadOptions {
  dataDir?: string;
  /** Folder of built-in profiles; tests may point elsewhere. */
  builtinDir?: string;
  /** Compiled built-ins; default: dist's, and none when builtinDir is given. */
  builtinCache?: string;
  /** Called for a file that cannot be used; without it, the first bad file throws a UserError. */
  onError?: (file: string, message: string) => void;
}

/** Profile files of their own (with a match section); *.schema.json beside them describe the format. */
export const PROFILE_FILE = /^(?!.*\.schema\.json$).*\.(ya?ml|json)$/i;
/** The SNMP profile of a family folder. */
export const FAMILY_PROFILE_FILE = /^snmp\.(ya?ml|json)$/i;

/** A profile file as found in a folder: its path relative to the folder, and its family folder if any. */
export interface ProfileFileRef {
  rel: string;
  family?: string;
}

/** The profile files of a folder: top-level files, then each family folder's snmp.yaml. */
export function profileFiles(dir: string): ProfileFileRef[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: ProfileFileRef[] = readdirSync(dir).filter((f) => PROFILE_FILE.test(f) && statSync(join(dir, f)).isFile()).sort().map((rel) => ({ rel }));
  for (const family of familyDirs(dir)) {
    for (const f of readdirSync(join(dir, family)).filter((n) => FAMILY_PROFILE_FILE.test(n)).sort()) out.push({ rel: `${family}/${f}`, family });
  }
  return out;
}

export function loadProfileFile(file: string, family?: string): Profile {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ProfileError(`cannot parse: ${(e as Error).message.split('\n')[0]}`);
  }
  return checked(raw, file, true, family);
}

/** A parsed profile, validated and marked with the file and family it came from. */
function checked(raw: unknown, file: string, schema: boolean, family?: string): Profile {
  const profile = validateProfile(raw, { schema, family });
  if (family !== undefined) {
    const known = familyById(family);
    if (!known && !profile.match) {
      throw new ProfileError(`no vendor family "${family}" in amr's registry (${families().map((f) => f.id).join(', ')}); use one of those folders, or give the profile a match section`);
    }
    if (profile.name !== family) throw new ProfileError(`name: "${profile.name}" must be the folder's name, "${family}" (one SNMP profile a family)`);
    if (known) {
      profile.family = family;
      profile.vendor ??= known.vendor;
    }
  }
  profile.origin = file;
  return profile;
}

function loadDir(dir: string, into: Map<string, Profile>, opts: LoadOptions, cache?: string): void {
  const files = profileFiles(dir);
  const compiled = cache ? readCache(cache, dir, files) : null;
  for (const { rel, family } of files) {
    const file = join(dir, rel);
    try {
      const profile = compiled?.has(rel) ? checked(compiled.get(rel), file, false, family) : loadProfileFile(file, family);
      into.set(profile.name, profile); // later folder wins: dealer overrides built-in
    } catch (e) {
      const message = e instanceof ProfileError ? e.message : (e as Error).message;
      if (opts.onError) opts.onError(file, message);
      else throw new UserError(`profile ${file}: ${message}; fix or remove the file`);
    }
  }
}

/** The compiled built-ins by relative path, if the cache is newer than every file in `dir`. */
function readCache(cache: string, dir: string, files: ProfileFileRef[]): Map<string, unknown> | null {
  try {
    const built = statSync(cache).mtimeMs;
    if (files.some((f) => statSync(join(dir, f.rel)).mtimeMs > built)) return null;
    return new Map(Object.entries(JSON.parse(readFileSync(cache, 'utf8')) as Record<string, unknown>));
  } catch {
    return null; // no cache (running from src/, or not built yet): parse the files
  }
}

/**
 * `extends: NAME`: the named profile's counters, derive and supplies follow the profile's own
 * (its own entries come first, so they win). One level: the named profile must not extend.
 */
function resolveExtends(byName: Map<string, Profile>, opts: LoadOptions): void {
  for (const [name, p] of byName) {
    if (!p.extends) continue;
    const base = byName.get(p.extends);
    const problem = !base ? `extends: no profile named "${p.extends}" (amr profile list shows them)`
      : base.extends ? `extends: "${p.extends}" itself extends "${base.extends}"; name the profile it extends instead`
      : base === p ? 'extends: a profile cannot extend itself' : null;
    if (problem) {
      if (opts.onError) { opts.onError(p.origin ?? name, problem); byName.delete(name); continue; }
      throw new UserError(`profile ${p.origin ?? name}: ${problem}; fix or remove the file`);
    }
    const counters = [...(p.counters ?? []), ...(base!.counters ?? [])];
    const supplies = [...(p.supplies ?? []), ...(base!.supplies ?? [])];
    const derive = { ...(base!.derive ?? {}), ...(p.derive ?? {}) };
    byName.set(name, {
      ...p,
      ...(counters.length ? { counters } : {}),
      ...(supplies.length ? { supplies } : {}),
      ...(Object.keys(derive).length ? { derive } : {}),
    });
  }
}

export function loadProfiles(opts: LoadOptions = {}): Profile[] {
  const byName = new Map<string, Profile>();
  loadDir(opts.builtinDir ?? BUILTIN_PROFILE_DIR, byName, opts, opts.builtinCache ?? (opts.builtinDir ? undefined : BUILTIN_PROFILE_CACHE));
  if (opts.dataDir) loadDir(join(opts.dataDir, 'profiles'), byName, opts);
  resolveExtends(byName, opts);
  return [...byName.values()];
}
