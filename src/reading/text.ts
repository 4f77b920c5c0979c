/**
 * Turning SNMP octet strings into text and numbers. Devices send plain ASCII,
 * UTF-8, Latin-1, UTF-16 (per prtLocalizationCharacterSet or just because), trailing
 * NULs and padding; these helpers take all of them and never throw.
 */
import { UTF16_CHARSETS } from './rfc3805.js';
import type { Varbind } from '../snmp/types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode an octet string; `charset` is an IANA MIBenum from prtLocalizationCharacterSet when known. */
function decodeText(bytes: Buffer, charset?: number | null): string {
  let text: string;
  const utf16 = charset ? UTF16_CHARSETS[charset] : undefined;
  if (utf16 || looksUtf16(bytes)) {
    text = decodeUtf16(bytes, utf16 ?? (bytes[0] === 0 ? 'utf16be' : 'utf16le'));
  } else {
    try {
      text = utf8.decode(bytes);
    } catch {
      text = bytes.toString('latin1');
    }
  }
  // Trailing NULs and padding are not part of the value; control characters never are.
  return text.replace(/\0+$/g, '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

/** A run of ASCII with a zero byte beside every character: UTF-16 sent without saying so. */
function looksUtf16(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false;
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) return true;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] !== 0) evenZeros++;
    if (bytes[i + 1] === 0 && bytes[i] !== 0) oddZeros++;
  }
  const pairs = bytes.length / 2;
  return evenZeros === pairs || oddZeros === pairs;
}

function decodeUtf16(bytes: Buffer, order: 'utf16be' | 'utf16le'): string {
  let b = bytes;
  let o = order;
  if (b[0] === 0xfe && b[1] === 0xff) [b, o] = [b.subarray(2), 'utf16be'];
  else if (b[0] === 0xff && b[1] === 0xfe) [b, o] = [b.subarray(2), 'utf16le'];
  const even = b.subarray(0, b.length - (b.length % 2));
  if (o === 'utf16le') return even.toString('utf16le');
  const swapped = Buffer.from(even);
  swapped.swap16();
  return swapped.toString('utf16le');
}

/** A varbind as text, or null when it holds none. */
export function vbText(vb: Varbind | undefined, charset?: number | null): string | null {
  if (!vb) return null;
  if (Buffer.isBuffer(vb.value)) {
    const t = decodeText(vb.value, charset);
    return t === '' ? null : t;
  }
  if (typeof vb.value === 'string' || typeof vb.value === 'number' || typeof vb.value === 'bigint') {
    const t = String(vb.value).trim();
    return t === '' ? null : t;
  }
  return null;
}

/** A varbind as a number; octet strings holding digits count too (some agents send them so). */
export function vbNumber(vb: Varbind | undefined): number | null {
  if (!vb) return null;
  if (typeof vb.value === 'number') return Number.isFinite(vb.value) ? vb.value : null;
  if (typeof vb.value === 'bigint') return Number(vb.value);
  if (Buffer.isBuffer(vb.value)) {
    const t = vb.value.toString('latin1').replace(/\0+$/, '').trim();
    return /^-?\d{1,15}$/.test(t) ? Number(t) : null;
  }
  return null;
}

/** A MAC address from an ifPhysAddress value: aa:bb:cc:dd:ee:ff, or null when empty or all zeros. */
export function vbMac(vb: Varbind | undefined): string | null {
  if (!vb || !Buffer.isBuffer(vb.value)) return null;
  let bytes = vb.value;
  // Some agents send the MAC as text ("00:11:22:33:44:55" or "001122334455").
  const text = bytes.toString('latin1');
  if (/^([0-9a-f]{2}[:\- ]?){5}[0-9a-f]{2}$/i.test(text.trim())) bytes = Buffer.from(text.replace(/[^0-9a-f]/gi, ''), 'hex');
  if (bytes.length !== 6 || bytes.every((b) => b === 0) || bytes.every((b) => b === 0xff)) return null;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
