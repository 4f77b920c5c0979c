/** Pure parts: number checks, JavaScript-object pages, profile validation, merge rules. */
import { describe, expect, it } from 'vitest';
import { parseCount, parsePercent } from '../../src/http-scrape/numbers.js';
import { parseJsObject } from '../../src/http-scrape/jsobject.js';
import { loadWebProfiles, matchWebProfile, mergeWeb, parseProfile } from '../../src/http-scrape/index.js';
import { emptyReading } from '../../src/reading/types.js';
import type { WebResult } from '../../src/http-scrape/types.js';

describe('numbers', () => {
  it('takes plain and grouped counts, refuses the rest', () => {
    expect(parseCount('1234')).toEqual({ ok: true, value: 1234 });
    expect(parseCount(' 1,234,567 ')).toEqual({ ok: true, value: 1234567 });
    expect(parseCount('1.234')).toEqual({ ok: true, value: 1234 });
    expect(parseCount('1\u00a0234')).toEqual({ ok: true, value: 1234 });
    expect(parseCount('= 23456')).toEqual({ ok: true, value: 23456 });
    for (const bad of ['', '-1', '1e3', 'NaN', '12.5', '1,23', '1,234.5', 'abc', '0x1F', '1,234.567,8']) {
      expect(parseCount(bad).ok, bad).toBe(false);
    }
    expect(parseCount(-1).ok).toBe(false);
    expect(parseCount(1.5).ok).toBe(false);
    expect(parseCount(Number.NaN).ok).toBe(false);
    expect(parseCount(1e15).ok).toBe(false);
    expect(parseCount(null).ok).toBe(false);
  });
  it('percentages 0-100 only', () => {
    expect(parsePercent('40%')).toEqual({ ok: true, value: 40 });
    expect(parsePercent(58)).toEqual({ ok: true, value: 58 });
    for (const bad of ['101', '-3', 'low', '1e2', 250]) expect(parsePercent(bad).ok, String(bad)).toBe(false);
  });
});

describe('JavaScript-object pages', () => {
  it('reads unquoted keys, single quotes, trailing commas, comments', () => {
    expect(parseJsObject("{a: 1, 'b': 'x\"y', c: [1, 2,], /* c */ d: {e: null,}, // z\n}")).toEqual({ a: 1, b: 'x"y', c: [1, 2], d: { e: null } });
  });
  it('refuses code instead of running it', () => {
    expect(() => parseJsObject('{a: alert(1)}')).toThrow(/unexpected word/);
    expect(() => parseJsObject('{a: "open')).toThrow();
  });
});

describe('profiles', () => {
  it('all shipped profiles load and every covered vendor has one', () => {
    const list = loadWebProfiles();
    expect(list.map((p) => p.family).sort()).toEqual(['brother', 'canon', 'epson', 'hp', 'kyocera', 'lexmark', 'ricoh', 'samsung', 'xerox']);
  });
  it('a broken profile is reported by file and field', () => {
    const base = { name: 'x', vendor: 'X', onByDefault: true, why: '', source: '' };
    expect(() => parseProfile(JSON.stringify({ ...base, pages: [{ path: '/a', format: 'html', values: [{ counter: 'pages', selector: 'b' }] }] }), 'x.json'))
      .toThrow('web profile x.json: pages[0].values[0]: unknown counter key "pages"');
    expect(() => parseProfile(JSON.stringify({ ...base, pages: [{ path: 'http://evil/a', format: 'html', values: [{ counter: 'copy', selector: 'b' }] }] }), 'x.json'))
      .toThrow('pages[0].path must start with one "/"');
    expect(() => parseProfile(JSON.stringify({ ...base, pages: [{ path: '/a', format: 'html', headers: { Authorization: 'x' }, values: [{ counter: 'copy', selector: 'b' }] }] }), 'x.json'))
      .toThrow('header Authorization not allowed');
    expect(() => parseProfile(JSON.stringify({ ...base, pages: [{ path: '/a', format: 'html', values: [{ counter: 'copy', label: '(' }] }] }), 'x.json'))
      .toThrow('is not a valid regex');
  });
  it('a model-specific profile wins over a vendor-wide one', () => {
    const mk = (name: string, model?: string) => parseProfile(JSON.stringify({ name, vendor: 'HP', model, onByDefault: true, why: '', source: '', pages: [{ path: '/a', format: 'text', values: [{ counter: 'copy', regex: '(1)' }] }] }), `${name}.json`);
    const r = emptyReading('h'); r.identity.vendor = 'hp'; r.identity.model = 'LaserJet M507';
    expect(matchWebProfile(r, [mk('all'), mk('m507', 'M50\\d')])?.name).toBe('m507');
    r.identity.model = 'OfficeJet';
    expect(matchWebProfile(r, [mk('all'), mk('m507', 'M50\\d')])?.name).toBe('all');
  });
});

describe('mergeWeb', () => {
  const web: WebResult = {
    host: 'h', profile: 'p', notes: ['http://h/x: page not found (HTTP 404); firmware may have moved it'], pages: [],
    values: [
      { target: { kind: 'counter', key: 'total', unit: 'impressions' }, value: 100, url: 'http://h/u', selector: '#t' },
      { target: { kind: 'counter', key: 'copy', unit: 'impressions' }, value: 7, url: 'http://h/u', selector: '#c' },
      { target: { kind: 'supply', type: 'toner', color: 'black' }, value: 41, url: 'http://h/s', selector: '#k' },
      { target: { kind: 'identity', field: 'serial' }, value: 'OTHER', url: 'http://h/u', selector: '#s' },
    ],
  };
  it('is pure, keeps SNMP, fills gaps, flags disagreements', () => {
    const r = emptyReading('h');
    r.counters.total = { value: 100, unit: 'impressions' };
    r.identity.serial = 'ABC';
    r.supplies.push({ hrDeviceIndex: 1, index: 1, description: 'Black', type: 'toner', class: 'consumed', color: 'black', unit: 'percent', max: 100, level: 40, levelPercent: 40, state: 'ok' });
    const before = structuredClone(r);
    const m = mergeWeb(r, web);
    expect(r).toEqual(before);
    expect(m.counters.copy).toEqual({ value: 7, unit: 'impressions' });
    expect(m.sources['counters.copy']).toBe('web:http://h/u #c');
    expect(m.extraCounters).toEqual({}); // total agrees
    expect(m.supplies[0]!.levelPercent).toBe(40); // within tolerance: no flag
    expect(m.identity.serial).toBe('ABC');
    expect(m.flags).toEqual([
      { code: 'web-disagrees', path: 'identity.serial', message: 'identity.serial: SNMP says "ABC", web page says "OTHER" (http://h/u); both kept, SNMP value used' },
      { code: 'web-note', message: web.notes[0] },
    ]);
  });
});

describe('certificate leniency stays with the printer fetcher', () => {
  it('only src/http-scrape/fetch.ts turns certificate checks off', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../../src/', import.meta.url);
    const hits = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /rejectUnauthorized\s*:\s*false/.test(readFileSync(new URL(f, root), 'utf8')));
    expect(hits).toEqual(['http-scrape/fetch.ts']);
  });
});
