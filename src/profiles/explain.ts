/**
 * What a profile extracts from a set of varbinds (a recording or a live read), for
 * `amr profile test`: each value with its key and the OID it came from. Pure.
 */
import { decodeReading } from '../reading/decode.js';
import type { Counter, Flag, Reading } from '../reading/types.js';
import type { Varbind } from '../snmp/types.js';
import { applyProfile } from './apply.js';
import { checkCounters } from './checks.js';
import { selectProfileMatch } from './select.js';
import type { Profile } from './types.js';

export interface ExtractedValue { path: string; value: string | number; unit?: string; source: string }

export interface ProfileTestResult {
  profile: string | null;
  reason: string | null;
  origin: string | null;
  /** Values the profile set or changed (counters, identity, supplies). */
  values: ExtractedValue[];
  flags: Flag[];
  reading: Reading;
}

export function testProfile(host: string, varbinds: Varbind[], profiles: Profile[], force?: Profile): ProfileTestResult {
  const reading = decodeReading(host, varbinds);
  const match = force ? { profile: force, reason: 'chosen with --profile' } : selectProfileMatch(varbinds, profiles);
  if (match) applyProfile(reading, varbinds, match.profile);
  else checkCounters(reading);
  const values: ExtractedValue[] = [];
  const add = (path: string, v: Counter | string | number | null | undefined) => {
    if (v === null || v === undefined) return;
    const source = reading.sources[path] ?? '';
    if (typeof v === 'object') values.push({ path, value: v.value, unit: v.unit, source });
    else values.push({ path, value: v, source });
  };
  for (const [k, v] of Object.entries(reading.counters)) add(`counters.${k}`, v);
  for (const [k, v] of Object.entries(reading.extraCounters)) add(`extraCounters.${k}`, v);
  for (const k of ['vendor', 'model', 'serial', 'firmware'] as const) add(`identity.${k}`, reading.identity[k]);
  reading.supplies.forEach((s, i) => {
    for (const f of ['state', 'levelPercent', 'description'] as const) {
      const src = reading.sources[`supplies.${i}.${f}`];
      if (src?.startsWith('profile ')) add(`supplies.${i}.${f}`, s[f] ?? 'null');
    }
  });
  return {
    profile: match?.profile.name ?? null,
    reason: match?.reason ?? null,
    origin: match?.profile.origin ?? null,
    values,
    flags: reading.flags,
    reading,
  };
}
