/** Shared by the profile tests: a recording through the standard decoder and a profile. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfiles } from '../../src/profiles/load.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { selectProfileMatch } from '../../src/profiles/select.js';
import type { Profile } from '../../src/profiles/types.js';
import { decodeReading } from '../../src/reading/decode.js';
import type { Reading } from '../../src/reading/types.js';
import { parseSnmprec } from '../../src/snmp/snmprec.js';
import type { Varbind } from '../../src/snmp/types.js';

export { DEVICES_DIR as DEVICES } from '../helpers/fixtures.js';
import { DEVICES_DIR as DEVICES } from '../helpers/fixtures.js';
export const FIXTURES = new URL('../fixtures/profiles/', import.meta.url).pathname;

let cached: Profile[] | null = null;
export function builtins(): Profile[] {
  return (cached ??= loadProfiles());
}

export function recording(path: string): Varbind[] {
  const file = path.startsWith('/') ? path : join(DEVICES, path);
  // Real recordings carry the odd garbled line (LibreNMS okilan_9450g): skip it, as the agent would.
  return parseSnmprec(readFileSync(file, 'utf8'), file, () => {});
}

export function fixture(name: string): Varbind[] {
  return recording(join(FIXTURES, name));
}

export interface Applied { reading: Reading; profile: Profile | null; reason: string | null; varbinds: Varbind[] }

export function readWithProfiles(varbinds: Varbind[], profiles = builtins(), previous?: Reading): Applied {
  const reading = decodeReading('127.0.0.1', varbinds);
  const match = selectProfileMatch(varbinds, profiles);
  if (match) applyProfile(reading, varbinds, match.profile, previous);
  return { reading, profile: match?.profile ?? null, reason: match?.reason ?? null, varbinds };
}

export function expected(name: string): any {
  return JSON.parse(readFileSync(join(DEVICES, 'printers', `${name}.expected.json`), 'utf8'));
}
