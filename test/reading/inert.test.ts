/** src/inert.ts: the one helper that makes outside text safe to print on a terminal. */
import { describe, expect, it } from 'vitest';
import { fit, inert, inertDeep, inertJson, inertLines } from '../../src/inert.js';
import { colorOn } from '../../src/color.js';

describe('inert', () => {
  it('shows every control, C1, bidi and separator character as a visible escape', () => {
    expect(inert('a\u001b[31mred\u0007')).toBe('a\\x1b[31mred\\x07');
    expect(inert('line\r\nforged')).toBe('line\\x0d\\x0aforged');
    expect(inert('\u009b2J \u0085')).toBe('\\x9b2J \\x85');
    expect(inert('abc\u202edcba\u2066x\u2069\u200f')).toBe('abc\\u202edcba\\u2066x\\u2069\\u200f');
    expect(inert('a\u2028b\ufeff')).toBe('a\\u2028b\\ufeff');
    expect(inert('lone \ud800 surrogate')).toBe('lone \\ud800 surrogate');
  });

  it('leaves ordinary text of any script alone', () => {
    for (const s of ['Toner Cyan (C)', 'Bürodrucker 3. OG', 'トナー ブラック', '😀 ok', 'Ünïcödé — “quotes”']) expect(inert(s)).toBe(s);
    expect(inert(null)).toBe('');
    expect(inert(42)).toBe('42');
  });

  it('keeps line breaks of multi-line text but escapes what is in the lines', () => {
    expect(inertLines('one\r\ntwo\u001b')).toBe('one\ntwo\\x1b');
  });

  it('JSON keeps its value and shows no active character', () => {
    const value = { s: 'x\u009b\u202e\u2028y\u001b' };
    const json = inertJson(JSON.stringify(value));
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('makes a whole structure inert, keys too', () => {
    expect(inertDeep({ 'k\n': ['a\u001b', 1, null, { b: '\u202e' }] })).toEqual({ 'k\\x0a': ['a\\x1b', 1, null, { b: '\\u202e' }] });
  });

  it('fits text to a display width, wide characters counting two', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abcdefgh', 5)).toBe('abcd…');
    expect(fit('トナー', 8)).toBe('トナー  ');
  });
});

describe('colour', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  it('is on for a terminal, off for a pipe, NO_COLOR and TERM=dumb; FORCE_COLOR decides when set', () => {
    expect(colorOn(tty, {})).toBe(true);
    expect(colorOn(pipe, {})).toBe(false);
    expect(colorOn(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorOn(tty, { TERM: 'dumb' })).toBe(false);
    expect(colorOn(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorOn(tty, { FORCE_COLOR: '0' })).toBe(false);
  });
});
