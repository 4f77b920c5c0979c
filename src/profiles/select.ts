/**
 * Chooses the profile for a device. A profile in a vendor family's folder is chosen by the
 * registry's one match of the device to a family (src/registry/families.ts: a sysDescr
 * pattern beats a sysObjectID prefix, the longest prefix wins; OEM devices carry another
 * vendor's sysObjectID, e.g. Toshiba e-STUDIO on Lexmark's). A profile with its own match
 * section (a dealer's) competes on the same scale: a deliberate probe OID that answers (4)
 * beats a sysDescr pattern (3), which beats a sysObjectID prefix (2), which beats a bare
 * enterprise number (1). Ties go to the higher priority, then the longer prefix.
 */
import type { Varbind } from '../snmp/types.js';
import type { Profile } from './types.js';
import { VarbindTable } from '../snmp/varbind-table.js';
import { cleanText, matchFamilies, profileFamily, type FamilyHits } from '../registry/families.js';
import { SYS_DESCR, SYS_OBJECT_ID, regex, textOf } from './values.js';

export interface ProfileMatchResult {
  profile: Profile;
  /** What matched, e.g. "sysObjectID 1.3.6.1.4.1.367". */
  reason: string;
  score: number;
}

/** A profile's own match section against the device; null for family profiles (see familyMatch). */
export function matchProfile(profile: Profile, idx: VarbindTable): ProfileMatchResult | null {
  const m = profile.match;
  if (!m) return null;
  const objectId = (textOf(idx.get(SYS_OBJECT_ID)) ?? '').replace(/^\./, '');
  const descr = textOf(idx.get(SYS_DESCR)) ?? '';
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

/** The device's match to the registry, as the profile choice scores it. */
export function deviceFamilies(idx: VarbindTable): FamilyHits {
  const objectId = cleanText(textOf(idx.get(SYS_OBJECT_ID))).replace(/^\./, '');
  return matchFamilies(objectId, cleanText(textOf(idx.get(SYS_DESCR))));
}

/** The family profile the registry's match picks, scored as a match section would be. */
function familyMatch(hits: FamilyHits, profiles: readonly Profile[]): ProfileMatchResult | null {
  const of = (id: string) => profiles.find((p) => !p.match && p.family === id);
  const pick = profileFamily(hits, (id) => !!of(id));
  if (!pick) return null;
  const profile = of(pick.id)!;
  const bonus = (profile.priority ?? 0) / 1000;
  if (pick.by === 'sysDescr') return { profile, reason: `sysDescr /${hits.descr!.re.source}/, family ${pick.id}`, score: 3 + bonus };
  const prefix = pick.prefix!;
  // A bare enterprise number (1.3.6.1.4.1.N) is the weakest match, as a profile's enterprise: is.
  const arcs = prefix.split('.').length;
  const score = arcs <= 7 ? 1 + bonus : 2 + bonus + arcs / 1e6;
  return { profile, reason: `sysObjectID ${prefix}, family ${pick.id}`, score };
}

export function selectProfileMatch(varbinds: VarbindTable | Varbind[], profiles: readonly Profile[]): ProfileMatchResult | null {
  const idx = VarbindTable.of(varbinds);
  let best: ProfileMatchResult | null = familyMatch(deviceFamilies(idx), profiles);
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
  return [...new Set(profiles.map((p) => p.match?.oid).filter((o): o is string => !!o))];
}
