/**
 * A profile's identity rules (serial, model, firmware): which OIDs they read and the
 * value they give. Pure. Used by the profile engine on a full read and by discovery's
 * identification step, so both key a device by the same serial.
 */
import { cleanIdentityText } from '../reading/identity-text.js';
import { cleanSerial } from '../reading/serial.js';
import type { VarbindTable } from '../snmp/varbind-table.js';
import type { IdentityField, Profile, ValueSpec } from './types.js';
import { SYS_DESCR, deviceIdField, regex, textOf } from './values.js';

/** The OIDs a profile's identity rules read (sysDescr rules need none beyond the system group). */
export function identityOids(profile: Profile, fields: readonly IdentityField[] = ['serial', 'model', 'firmware']): string[] {
  const oids = fields.flatMap((f) => (profile.identity?.[f] ?? []).map((s) => s.oid).filter((o): o is string => !!o));
  return [...new Set(oids)];
}

/** One rule's value: the OID's (or sysDescr's) text, narrowed by device-ID field and pattern. */
export function readSpec(idx: VarbindTable, spec: ValueSpec): { value: string; from: string } | null {
  let text = spec.sysDescr ? textOf(idx.get(SYS_DESCR)) : spec.oid ? textOf(idx.get(spec.oid)) : null;
  if (text === null) return null;
  if (spec.field) text = deviceIdField(text, spec.field);
  if (text !== null && spec.pattern) {
    const m = regex(spec.pattern).exec(text);
    text = m ? (m[1] ?? m[0]).trim() : null;
  }
  if (!text || /^<private>$/i.test(text)) return null;
  return { value: text, from: spec.sysDescr ? 'sysDescr' : spec.oid! };
}

/** The first rule of `field` that gives a value; a serial must pass the one serial rule (src/reading/serial.ts). */
export function readIdentity(profile: Profile, idx: VarbindTable, field: IdentityField): { value: string; from: string } | null {
  for (const spec of profile.identity?.[field] ?? []) {
    const got = readSpec(idx, spec);
    const value = got && (field === 'serial' ? cleanSerial(got.value) : cleanIdentityText(got.value));
    if (got && value) return { value, from: got.from };
  }
  return null;
}
