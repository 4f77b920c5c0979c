/**
 * Loads the built-in profiles shipped in the package's profiles/ folder, then the
 * dealer's <dataDir>/profiles/ files, which add profiles or replace built-ins by name.
 * Files are read at every load, so a dealer edit needs no rebuild.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';
import type { Profile } from './types.js';
import { ProfileError, validateProfile } from './validate.js';

/** The package's profiles/ folder: two levels up from src/profiles or dist/profiles. */
export const BUILTIN_PROFILE_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

export interface LoadOptions {
  dataDir?: string;
  /** Folder of built-in profiles; tests may point elsewhere. */
  builtinDir?: string;
  /** Called for a file that cannot be used; without it, the first bad file throws a UserError. */
  onError?: (file: string, message: string) => void;
}

const PROFILE_FILE = /\.(ya?ml|json)$/i;

export function loadProfileFile(file: string): Profile {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ProfileError(`cannot parse: ${(e as Error).message.split('\n')[0]}`);
  }
  const profile = validateProfile(raw);
  profile.origin = file;
  return profile;
}

function loadDir(dir: string, into: Map<string, Profile>, opts: LoadOptions): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  const files = readdirSync(dir).filter((f) => PROFILE_FILE.test(f)).sort();
  for (const name of files) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    try {
      const profile = loadProfileFile(file);
      into.set(profile.name, profile); // later folder wins: dealer overrides built-in
    } catch (e) {
      const message = e instanceof ProfileError ? e.message : (e as Error).message;
      if (opts.onError) opts.onError(file, message);
      else throw new UserError(`profile ${file}: ${message}; fix or remove the file`);
    }
  }
}

export function loadProfiles(opts: LoadOptions = {}): Profile[] {
  const byName = new Map<string, Profile>();
  loadDir(opts.builtinDir ?? BUILTIN_PROFILE_DIR, byName, opts);
  if (opts.dataDir) loadDir(join(opts.dataDir, 'profiles'), byName, opts);
  return [...byName.values()];
}
