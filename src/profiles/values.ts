/** Reading varbinds as numbers and text for the profile engine. Pure. */
import type { Varbind } from '../snmp/types.js';

export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
/**
 * The IEEE 1284 device ID string (MFG:...;MDL:...;), at HP's gdStatusId: JetDirect's object,
 * answered by other makers' printers too (OKI). A profile reads it with `deviceId: true`, so
 * the OID is written once. Source: GLPI-Agent MibSupport/HPNetPeripheral.pm; LibreNMS
 * tests/snmpsim/jetdirect.snmprec and okilan_9450g.
 */
export const DEVICE_ID = '1.3.6.1.4.1.11.2.3.9.1.1.7.0';

const compiled = new Map<string, RegExp>();

/** A profile's pattern as a case-insensitive RegExp, compiled once (profiles are validated on load). */
export function regex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) compiled.set(source, re = new RegExp(source, 'i'));
  return re;
}

/** A counter value: integers, counters, gauges, and digit strings some vendors send. */
export function numberOf(vb: Varbind | undefined): number | null {
  if (!vb) return null;
  const v = vb.value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) {
    const text = v.toString('latin1').replace(/\0+$/, '').trim();
    return /^-?\d+$/.test(text) ? Number(text) : null;
  }
  return null;
}

/** Text of a value: trailing NULs and whitespace trimmed; hex-only strings left as sent. */
export function textOf(vb: Varbind | undefined): string | null {
  if (!vb) return null;
  const v = vb.value;
  if (Buffer.isBuffer(v)) return cleanText(v);
  if (v === null) return null;
  return String(v).trim() || null;
}

/** Decode a device string: cut at the first NUL, UTF-8 if valid else Latin-1, trim. */
export function cleanText(buf: Buffer): string | null {
  // Cut at the first NUL after the text starts (a NUL in a binary prefix before it is not the end).
  const start = buf.findIndex((b) => b > 0x20 && b !== 0x7f);
  const nul = buf.indexOf(0, Math.max(0, start));
  const bytes = nul >= 0 ? buf.subarray(0, nul) : buf;
  let text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) text = bytes.toString('latin1');
  text = text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '').trim();
  return text === '' ? null : text;
}

/**
 * HP sends some descriptions as a hex string ("48 50 20 ..." or "4850...") and some
 * as two lines; both become one readable line.
 */
export function cleanDescription(text: string): string {
  let t = text.trim();
  const compact = t.replace(/[\s:]/g, '');
  if (/^([0-9a-fA-F]{2}){4,}$/.test(compact) && /^[0-9a-fA-F\s:]+$/.test(t)) {
    const decoded = cleanText(Buffer.from(compact, 'hex'));
    if (decoded && /^[\x20-\x7e\r\n\t\u00a0-\uffff]+$/.test(decoded)) t = decoded;
  }
  return t.split(/[\r\n]+/).map((line) => line.trim()).filter(Boolean).join(' ');
}

/** Pick a field from an IEEE 1284 device ID ("MFG:HP;MDL:LaserJet 400;..."). */
export function deviceIdField(text: string, field: string): string | null {
  for (const part of text.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    if (part.slice(0, colon).trim().toUpperCase() === field.toUpperCase()) {
      const value = part.slice(colon + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}
