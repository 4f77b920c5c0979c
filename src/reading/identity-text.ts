/**
 * Identity values (serial, model, firmware) as text a person and a database key can
 * use. Vendor OIDs return them raw: a length or type byte before the text, NUL padding
 * after it, control bytes inside (seen: Canon and Kyocera serial OIDs, Brother firmware
 * strings, HP's 1284 device ID). Whatever comes, the value keeps only its printable text.
 */

/** Characters that are never part of an identity value: C0, DEL, C1, U+FFFD, bidi and zero-width marks, BOM. */
// eslint-disable-next-line no-control-regex
const JUNK = /[\u0000-\u001f\u007f-\u009f\ufffd\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function cleanIdentityText(text: string | null | undefined): string | null {
  if (!text) return null;
  // A binary prefix: non-text characters before the first letter or digit (a length byte
  // decoded as Latin-1 or a C1 control); then every junk character anywhere, then padding.
  const t = text
    .replace(/^[^\p{L}\p{N}]*?(?=[\p{L}\p{N}])/u, (prefix) => prefix.replace(/[^\x20-\x7e]/g, ''))
    .replace(JUNK, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t === '' ? null : t;
}

/** Only the edges: a binary prefix before the first letter or digit, and padding or control bytes after the last. */
export function stripBinaryEdges(text: string): string {
  return text
    .replace(/^[^\p{L}\p{N}]*?(?=[\p{L}\p{N}])/u, (prefix) => prefix.replace(/[^\x20-\x7e]/g, ''))
    .replace(/[\u0000-\u0020\u007f-\u009f\ufffd]+$/, '')
    .trim();
}
