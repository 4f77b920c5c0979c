/**
 * Making text from outside (devices, collectors, proxies) inert before it reaches a
 * terminal. A printer's sysLocation or a proxy's error page may carry ESC sequences
 * (move the cursor, retitle the window, fake a prompt), CR/LF (forge a line), C1
 * controls (8-bit CSI) or bidi overrides (reorder what is shown). Each such character
 * is shown as a visible escape (`\x1b`, `\u202e`) instead, so nothing is lost and
 * nothing acts. Use `inert` for every value printed for a person, `inertJson` for
 * JSON printed to stdout (the same value once parsed).
 */

/**
 * C0 controls (TAB, CR and LF included: a value is one line), DEL, C1 controls, bidi
 * embeddings/overrides/isolates and marks, line/paragraph separators, BOM / zero-width
 * no-break space, interlinear annotation and lone surrogates.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One value for a terminal: every control, bidi and separator character made a visible escape. */
export function inert(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  const s = String(text);
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escape) : s;
}

/** Several lines of outside text: each line made inert, the line breaks kept. */
export function inertLines(text: string): string {
  return text.split(/\r?\n/).map(inert).join('\n');
}

/** JSON text for a terminal: characters JSON.stringify leaves raw (C1, bidi, separators) written as \u escapes. */
export function inertJson(json: string): string {
  // JSON.stringify already escapes C0 and lone surrogates; what is left is valid to escape as \uXXXX.
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A copy of a value (object, array, string) with every string made inert; for printing whole structures. */
export function inertDeep<T>(value: T): T {
  if (typeof value === 'string') return inert(value) as T;
  if (Array.isArray(value)) return value.map(inertDeep) as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[inert(k)] = inertDeep(v);
    return out as T;
  }
  return value;
}

/** Display width of plain text (East Asian wide characters count two); for aligning columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0x200d) continue; // combining, zero width
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60)
    || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/** Pad to a display width; text longer than `width` is cut with an ellipsis so columns stay aligned. */
export function fit(text: string, width: number): string {
  let w = displayWidth(text);
  if (w > width) {
    let out = '';
    w = 0;
    for (const ch of text) {
      const cw = displayWidth(ch);
      if (w + cw > width - 1) break;
      out += ch;
      w += cw;
    }
    return out + '…' + ' '.repeat(Math.max(0, width - w - 1));
  }
  return text + ' '.repeat(width - w);
}
