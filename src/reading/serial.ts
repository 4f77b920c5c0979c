/**
 * One rule for what counts as a serial number, shared by reading, discovery and
 * vendor profiles: the inventory and the send state key devices by serial, so all
 * three must agree. Placeholders devices send for "none" are not serials.
 */
import { stripBinaryEdges } from './identity-text.js';

const PLACEHOLDER = /^(?:0+|x+|-+|\?+|n\/?a|none|unknown|not available|serial ?number|<private>)$/i;

export function cleanSerial(text: string | null | undefined): string | null {
  // A binary prefix and NUL padding go; a control byte inside means garbled, not a serial.
  if (!text) return null;
  const t = stripBinaryEdges(text);
  // Printable ASCII with no control characters, of a plausible length.
  if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(t)) return null;
  if (t.length < 3 || t.length > 64 || PLACEHOLDER.test(t)) return null;
  return t;
}
