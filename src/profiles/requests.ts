/** What the reader must fetch for a profile: only the columns and scalars it maps. */
import type { Profile } from './types.js';

export function profileRequests(profile: Profile): { walk: string[]; get: string[] } {
  const walk = new Set<string>();
  const get = new Set<string>();
  if (profile.match?.oid) get.add(profile.match.oid);
  for (const specs of Object.values(profile.identity ?? {})) {
    for (const s of specs ?? []) if (s.oid) get.add(s.oid);
  }
  for (const c of profile.counters ?? []) {
    if ('table' in c) {
      for (const col of [c.table.values, c.table.codes, c.table.names, c.table.units]) if (col) walk.add(col);
    } else {
      for (const o of [...(Array.isArray(c.oid) ? c.oid : c.oid ? [c.oid] : []), ...(c.sum ?? [])]) get.add(o);
    }
  }
  return { walk: [...walk], get: [...get] };
}
