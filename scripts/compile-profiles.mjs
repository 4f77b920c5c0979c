// Build step: compile the built-in SNMP profiles (registry/<family>/snmp.yaml) to
// dist/profiles/builtin-profiles.json, keyed by path in registry/, so a run need not load
// a YAML parser. Each file is parsed and validated here; a bad profile fails the build.
import { join } from 'node:path';
import { BUILTIN_PROFILE_CACHE, BUILTIN_PROFILE_DIR, loadProfileFile, profileFiles } from '../dist/profiles/load.js';
import { writeFileSync } from 'node:fs';

const out = {};
for (const { rel, family } of profileFiles(BUILTIN_PROFILE_DIR)) {
  // family and vendor come from the folder at load time; the cache keeps the file's own data.
  const { origin: _origin, family: _family, ...profile } = loadProfileFile(join(BUILTIN_PROFILE_DIR, rel), family);
  out[rel] = profile;
}
writeFileSync(BUILTIN_PROFILE_CACHE, JSON.stringify(out));
