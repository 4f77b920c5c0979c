/**
 * One rule for what counts as a serial number, shared by reading, discovery and
 * vendor profiles: the inventory and the send state key devices by serial, so all
 * three must agree. Placeholders devices send for "none" are not serials.
 */
const PLACEHOLDER = /^(?:0+|x+|-+|\?+|n\/?a|none|unknown|not available|serial ?number|<private>)$/i;

export function cleanSerial(text: string | null | undefined): string | null {
  if (!text) return null;
  const t = text.trim();
  // Printable ASCII with no control characters, of a plausible length.
  if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(t)) return null;
  if (t.length < 3 || t.length > 64 || PLACEHOLDER.test(t)) return null;
  return t;
}
