// Build step: compile the built-in vendor profiles (profiles/*.yaml) to
// dist/profiles/builtin-profiles.json, keyed by file name, so a run need not load a
// YAML parser. Each file is parsed and validated here; a bad profile fails the build.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_PROFILE_CACHE, BUILTIN_PROFILE_DIR, PROFILE_FILE, loadProfileFile } from '../dist/profiles/load.js';

const out = {};
for (const name of readdirSync(BUILTIN_PROFILE_DIR).filter((f) => PROFILE_FILE.test(f)).sort()) {
  const { origin: _origin, ...profile } = loadProfileFile(join(BUILTIN_PROFILE_DIR, name));
  out[name] = profile;
}
writeFileSync(BUILTIN_PROFILE_CACHE, JSON.stringify(out));
