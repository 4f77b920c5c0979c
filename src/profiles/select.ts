/**
 * Chooses the profile for a device. A deliberate probe OID that answers beats a
 * sysDescr pattern, which beats a sysObjectID prefix (OEM devices carry another
 * vendor's sysObjectID, e.g. Toshiba e-STUDIO on Lexmark's), which beats a bare
 * enterprise number. Ties go to the higher priority, then the longer prefix.
 */
import type { Varbind } from '../snmp/types.js';
import type { Profile } from './types.js';
import { VarbindTable } from '../snmp/varbind-table.js';
import { SYS_DESCR, SYS_OBJECT_ID, regex, textOf } from './values.js';

export interface ProfileMatchResult {
  profile: Profile;
  /** What matched, e.g. "sysObjectID 1.3.6.1.4.1.367". */
  reason: string;
  score: number;
}

export function matchProfile(profile: Profile, idx: VarbindTable): ProfileMatchResult | null {
  const objectId = (textOf(idx.get(SYS_OBJECT_ID)) ?? '').replace(/^\./, '');
  const descr = textOf(idx.get(SYS_DESCR)) ?? '';
  const m = profile.match;
  const bonus = (profile.priority ?? 0) / 1000;
  if (m.oid && idx.get(m.oid)) return { profile, reason: `oid ${m.oid} answers`, score: 4 + bonus };
  if (m.sysDescr && descr && regex(m.sysDescr).test(descr)) {
    return { profile, reason: `sysDescr /${m.sysDescr}/`, score: 3 + bonus };
  }
  if (m.sysObjectID && objectId) {
    const hit = m.sysObjectID
      .filter((p) => objectId === p || objectId.startsWith(p + '.'))
      .sort((a, b) => b.length - a.length)[0];
    if (hit) return { profile, reason: `sysObjectID ${hit}`, score: 2 + bonus + hit.split('.').length / 1e6 };
  }
  if (m.enterprise && objectId.startsWith('1.3.6.1.4.1.')) {
    const ent = Number(objectId.split('.')[6]);
    if (m.enterprise.includes(ent)) return { profile, reason: `enterprise ${ent}`, score: 1 + bonus };
  }
  return null;
}

export function selectProfileMatch(varbinds: VarbindTable | Varbind[], profiles: readonly Profile[]): ProfileMatchResult | null {
  const idx = VarbindTable.of(varbinds);
  let best: ProfileMatchResult | null = null;
  for (const p of profiles) {
    const r = matchProfile(p, idx);
    if (r && (!best || r.score > best.score)) best = r;
  }
  return best;
}

export function selectProfile(varbinds: VarbindTable | Varbind[], profiles: readonly Profile[]): Profile | null {
  return selectProfileMatch(varbinds, profiles)?.profile ?? null;
}

/** OIDs to GET before selecting, for profiles that match by a probe OID. */
export function profileProbes(profiles: Profile[]): string[] {
  return [...new Set(profiles.map((p) => p.match.oid).filter((o): o is string => !!o))];
}
