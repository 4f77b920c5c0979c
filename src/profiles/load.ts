/**
 * Loads the built-in profiles shipped in the package's profiles/ folder, then the
 * dealer's <dataDir>/profiles/ files, which add profiles or replace built-ins by name.
 * Files are read at every load, so a dealer edit needs no rebuild. The built-ins are
 * also compiled to JSON at build time (scripts/compile-profiles.mjs): used while it is
 * newer than every YAML file, it spares each run loading a YAML parser (several MB).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { Profile } from './types.js';
import { ProfileError, validateProfile } from './validate.js';

/** The package's profiles/ folder: two levels up from src/profiles or dist/profiles. */
export const BUILTIN_PROFILE_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));
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

/** Profile files; *.schema.json beside them describe the format and are not profiles. */
export const PROFILE_FILE = /^(?!.*\.schema\.json$).*\.(ya?ml|json)$/i;

export function loadProfileFile(file: string): Profile {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ProfileError(`cannot parse: ${(e as Error).message.split('\n')[0]}`);
  }
  return checked(raw, file, true);
}

/** A parsed profile, validated and marked with the file it came from. */
function checked(raw: unknown, file: string, schema: boolean): Profile {
  const profile = validateProfile(raw, { schema });
  profile.origin = file;
  return profile;
}

function loadDir(dir: string, into: Map<string, Profile>, opts: LoadOptions, cache?: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  const files = readdirSync(dir).filter((f) => PROFILE_FILE.test(f)).sort();
  const compiled = cache ? readCache(cache, dir, files) : null;
  for (const name of files) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    try {
      const profile = compiled?.has(name) ? checked(compiled.get(name), file, false) : loadProfileFile(file);
      into.set(profile.name, profile); // later folder wins: dealer overrides built-in
    } catch (e) {
      const message = e instanceof ProfileError ? e.message : (e as Error).message;
      if (opts.onError) opts.onError(file, message);
      else throw new UserError(`profile ${file}: ${message}; fix or remove the file`);
    }
  }
}

/** The compiled built-ins by file name, if the cache is newer than every file in `dir`. */
function readCache(cache: string, dir: string, files: string[]): Map<string, unknown> | null {
  try {
    const built = statSync(cache).mtimeMs;
    if (files.some((f) => statSync(join(dir, f)).mtimeMs > built)) return null;
    return new Map(Object.entries(JSON.parse(readFileSync(cache, 'utf8')) as Record<string, unknown>));
  } catch {
    return null; // no cache (running from src/, or not built yet): parse the files
  }
}

export function loadProfiles(opts: LoadOptions = {}): Profile[] {
  const byName = new Map<string, Profile>();
  loadDir(opts.builtinDir ?? BUILTIN_PROFILE_DIR, byName, opts, opts.builtinCache ?? (opts.builtinDir ? undefined : BUILTIN_PROFILE_CACHE));
  if (opts.dataDir) loadDir(join(opts.dataDir, 'profiles'), byName, opts);
  return [...byName.values()];
}
