/**
 * Plugs the profile layer into readDevice (src/pipeline/read-device.ts): after the
 * standard read, fetch what the matched profile needs (plus probe OIDs), then apply it.
 */
import type { Reading } from '../reading/types.js';
import type { VarbindTable } from '../snmp/varbind-table.js';
import { applyProfile } from './apply.js';
import { checkCounters } from './checks.js';
import { profileRequests } from './requests.js';
import { profileProbes, selectProfile } from './select.js';
import type { Profile } from './types.js';

/** Hooks that add to the standard read: what to fetch beyond it, and how to refine the Reading. */
export interface ReadExtension {
  /** Extra subtrees/columns to walk and scalars to get, chosen from what the standard read found. */
  requests(table: VarbindTable): { walk: string[]; get: string[] };
  /** Refine the decoded Reading with everything fetched. */
  apply(reading: Reading, table: VarbindTable): void;
}

export interface ProfileExtensionOptions {
  /** The device's previous Reading, for the "counter went down" check. */
  previous?: (host: string, current: Reading) => Reading | null | undefined;
  /** Use this profile whatever the device says (amr profile test --profile, a dealer pin). */
  force?: Profile;
}

export function profileExtension(profiles: Profile[], options: ProfileExtensionOptions = {}): ReadExtension {
  const probes = profileProbes(profiles);
  return {
    requests(table: VarbindTable) {
      const profile = options.force ?? selectProfile(table, profiles);
      const req = profile ? profileRequests(profile) : { walk: [], get: [] };
      return { walk: req.walk, get: [...new Set([...req.get, ...probes])] };
    },
    apply(reading: Reading, table: VarbindTable) {
      const previous = options.previous?.(reading.host, reading) ?? null;
      const profile = options.force ?? selectProfile(table, profiles);
      if (profile) applyProfile(reading, table, profile, previous);
      else checkCounters(reading, previous);
    },
  };
}
