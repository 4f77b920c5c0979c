/**
 * The protocol's limits per reading (@amr/protocol LIMITS, docs/protocol.md "Limits"), applied by the agent before a reading is spooled: an over-long
 * string is cut, an over-long list is shortened, an impossible number is dropped, and
 * the reading carries a `clamped` flag saying what was changed. One odd device then
 * never makes the collector refuse a whole message of 200 readings. Pure.
 */
import { COUNTER_NAME, LIMITS, type WireReading } from '@amr/protocol';

/** Not checked by the collector, but kept bounded all the same: flags per reading, text of a status error or flag. */
const MAX_FLAGS = 64;
const MAX_TEXT = 1024;

/** Gzip body and inflated JSON a message stays under (the collector refuses past 256 KiB / 4 MiB). */
export const MESSAGE_MAX_GZIP = 200 * 1024;
export const MESSAGE_MAX_JSON = 3 * 1024 * 1024;

/** Cut to `max` UTF-16 units (the collector's measure) without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  let out = s.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

/** Returns a reading within the limits (a new object when anything changed) and what changed. */
export function clampReading(r: WireReading): { reading: WireReading; changes: string[] } {
  const changes: string[] = [];
  const str = (v: string | null, max: number, path: string): string | null => {
    if (v === null || v.length <= max) return v;
    changes.push(`${path} cut from ${v.length} to ${max} characters`);
    return cut(v, max);
  };
  const list = <T>(v: T[], max: number, path: string): T[] => {
    if (v.length <= max) return v;
    changes.push(`${path} shortened from ${v.length} to ${max} entries`);
    return v.slice(0, max);
  };
  const counters = (c: WireReading['extraCounters'], path: string): WireReading['extraCounters'] => {
    const out: WireReading['extraCounters'] = {};
    for (const [name, v] of Object.entries(c)) {
      if (!COUNTER_NAME.test(name)) { changes.push(`${path} "${cut(name.replace(/[\u0000-\u001f\u007f]/g, '?'), 64)}" dropped (not a valid counter name)`); continue; }
      if (!Number.isSafeInteger(v.value) || v.value < 0) { changes.push(`${path}.${name} dropped (value ${v.value} is not a whole number >= 0)`); continue; }
      out[name] = { ...v, unit: str(v.unit, LIMITS.counterUnit, `${path}.${name}.unit`) };
    }
    return out;
  };
  const id = r.identity;
  const L = LIMITS.identity;
  const out: WireReading = {
    ...r,
    error: str(r.error, LIMITS.reading.error, 'error'),
    identity: {
      serial: str(id.serial, L.serial, 'identity.serial'), ip: str(id.ip, L.ip, 'identity.ip'), mac: str(id.mac, L.mac, 'identity.mac'),
      vendor: str(id.vendor, L.vendor, 'identity.vendor'), model: str(id.model, L.model, 'identity.model'),
      firmware: str(id.firmware, L.firmware, 'identity.firmware'), hostname: str(id.hostname, L.hostname, 'identity.hostname'),
      location: str(id.location, L.location, 'identity.location'), sysObjectID: str(id.sysObjectID, L.sysObjectID, 'identity.sysObjectID'),
    },
    status: {
      device: str(r.status.device, LIMITS.status.device, 'status.device'),
      printer: str(r.status.printer, LIMITS.status.printer, 'status.printer'),
      errors: list(r.status.errors, LIMITS.statusErrors, 'status.errors').map((e, i) => str(e, MAX_TEXT, `status.errors[${i}]`)!),
    },
    counters: counters(r.counters, 'counters'),
    extraCounters: counters(r.extraCounters, 'extraCounters'),
    supplies: list(r.supplies, LIMITS.supplies, 'supplies').map((s, i) => {
      const level = s.levelPercent !== null && !(Number.isFinite(s.levelPercent) && s.levelPercent >= 0 && s.levelPercent <= 100) ? null : s.levelPercent;
      if (level !== s.levelPercent) changes.push(`supplies[${i}].levelPercent ${s.levelPercent} dropped (not 0-100)`);
      return {
        description: str(s.description, LIMITS.supply.description, `supplies[${i}].description`)!,
        type: str(s.type, LIMITS.supply.type, `supplies[${i}].type`)!,
        class: str(s.class, LIMITS.supply.class, `supplies[${i}].class`)!,
        color: str(s.color, LIMITS.supply.color, `supplies[${i}].color`),
        levelPercent: level,
        state: str(s.state, LIMITS.supply.state, `supplies[${i}].state`)!,
      };
    }),
    alerts: list(r.alerts, LIMITS.alerts, 'alerts').map((a, i) => {
      const code = a.code !== null && !Number.isSafeInteger(a.code) ? null : a.code;
      if (code !== a.code) changes.push(`alerts[${i}].code ${a.code} dropped (not a whole number)`);
      return {
        severity: str(a.severity, LIMITS.alert.severity, `alerts[${i}].severity`)!,
        code,
        codeName: str(a.codeName, LIMITS.alert.codeName, `alerts[${i}].codeName`),
        description: str(a.description, LIMITS.alert.description, `alerts[${i}].description`)!,
      };
    }),
    flags: list(r.flags, MAX_FLAGS - 1, 'flags').map((f) => ({ ...f, message: cut(f.message, MAX_TEXT) })),
  };
  if (changes.length === 0) return { reading: r, changes };
  const summary = changes.length > 5 ? `${changes.slice(0, 5).join('; ')}; and ${changes.length - 5} more` : changes.join('; ');
  out.flags.push({ code: 'clamped', message: cut(`held to the protocol's limits: ${summary}`, MAX_TEXT) });
  return { reading: out, changes };
}
