/**
 * Strict number reading for web pages: a page is untrusted text, so anything that is
 * not plainly a whole count (or a 0-100 percentage) is refused with a reason, never guessed.
 */

/** No printer has printed 100 billion pages; larger values are page garbage. */
export const MAX_COUNT = 100_000_000_000;

export type Parsed = { ok: true; value: number } | { ok: false; reason: string };

function show(raw: unknown): string {
  const s = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}

/** Strip what surrounds a number on printer pages: spaces, nbsp, leading "=" or ":". */
function tidy(s: string): string {
  return s.replace(/[\u00a0\u202f\u2009]/g, ' ').trim().replace(/^[=:]\s*/, '').trim();
}

/** A whole non-negative count; thousands separators (, . ' space) only in groups of three. */
export function parseCount(raw: unknown): Parsed {
  let n: number;
  if (typeof raw === 'number') {
    n = raw;
  } else if (typeof raw === 'string') {
    const s = tidy(raw);
    let digits: string | null = null;
    if (/^\d+$/.test(s)) digits = s;
    else {
      const m = /^\d{1,3}(?:([,.' ])\d{3})(?:\1\d{3})*$/.exec(s);
      if (m) digits = s.split(m[1]!).join('');
    }
    if (digits === null) {
      return { ok: false, reason: `"${show(raw)}" is not a whole non-negative number` };
    }
    n = Number(digits);
  } else {
    return { ok: false, reason: `${show(raw)} is not a number` };
  }
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) {
    return { ok: false, reason: `"${show(raw)}" is not a whole non-negative number` };
  }
  if (n > MAX_COUNT) return { ok: false, reason: `"${show(raw)}" is implausibly large for a page counter` };
  return { ok: true, value: n };
}

/** A percentage 0-100, optionally with decimals and a trailing "%". */
export function parsePercent(raw: unknown): Parsed {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string') {
    const s = tidy(raw).replace(/\s*%$/, '');
    if (!/^\d{1,3}(?:\.\d{1,2})?$/.test(s)) return { ok: false, reason: `"${show(raw)}" is not a percentage` };
    n = Number(s);
  } else return { ok: false, reason: `${show(raw)} is not a percentage` };
  if (!Number.isFinite(n) || n < 0 || n > 100) return { ok: false, reason: `"${show(raw)}" is not a percentage from 0 to 100` };
  return { ok: true, value: n };
}

/** Identity text: printable, short, not empty. */
export function parseText(raw: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, reason: `${show(raw)} is not text` };
  const s = String(raw).replace(/\s+/g, ' ').trim();
  if (s === '' || s.length > 64 || /[\u0000-\u001f<>]/.test(s)) return { ok: false, reason: `"${show(raw)}" is not a plausible value` };
  return { ok: true, value: s };
}
