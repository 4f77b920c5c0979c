import { describe, expect, it } from 'vitest';
import { edgeValue } from '../src/reports/estimate.js';
import { csv, csvField } from '../src/reports/format.js';
import { parsePeriod, PeriodError } from '../src/reports/period.js';

const H = 3_600_000;
const T = Date.parse('2026-11-01T00:00:00Z');
const p = (hours: number, value: number) => ({ at: T + hours * H, value });
const side = (near: { at: number; value: number }, far = near) => ({ near, far });

describe('counter value at a period edge', () => {
  it('takes the nearest real read within the tolerance', () => {
    expect(edgeValue(T, side(p(-20, 900)), side(p(6, 1000)), 24 * H)).toEqual({ value: 1000, at: '2026-11-01T06:00:00.000Z', source: 'read', estimated: false });
    expect(edgeValue(T, side(p(-2, 990)), side(p(6, 1000)), 24 * H).value).toBe(990);
  });
  it('interpolates between reads on both sides when none is close', () => {
    expect(edgeValue(T, side(p(-48, 1000)), side(p(72, 2000)), 24 * H)).toEqual({ value: 1400, at: '2026-11-01T00:00:00.000Z', source: 'interpolated', estimated: true });
  });
  it('extrapolates from one side at the long-run rate', () => {
    // 100 pages/day over ten days before the edge, last read two days before.
    expect(edgeValue(T, side(p(-48, 5000), p(-288, 4000)), null, 24 * H)).toMatchObject({ value: 5200, source: 'extrapolated', estimated: true });
    // Device installed after the edge: back-extrapolated, never below zero.
    expect(edgeValue(T, null, side(p(96, 500), p(336, 1500)), 24 * H)).toMatchObject({ value: 100, source: 'extrapolated' });
    expect(edgeValue(T, null, side(p(96, 50), p(336, 1050)), 24 * H).value).toBe(0);
  });
  it('never carries a single read (it says nothing about the pages since), and a backwards pair at rate zero', () => {
    expect(edgeValue(T, side(p(-100, 700)), null, 24 * H)).toEqual({ value: null, at: null, source: 'none', estimated: false });
    expect(edgeValue(T, side(p(-48, 100), p(-200, 9000)), null, 24 * H).value).toBe(100);
  });
  it('extrapolates at most 7 days and interpolates across at most 45 days on each side', () => {
    expect(edgeValue(T, side(p(-8 * 24, 5000), p(-20 * 24, 4000)), null, 24 * H).source).toBe('none');
    expect(edgeValue(T, side(p(-7 * 24, 5000), p(-20 * 24, 4000)), null, 24 * H).source).toBe('extrapolated');
    expect(edgeValue(T, side(p(-46 * 24, 1000)), side(p(24 * 5, 2000)), 24 * H).source).toBe('none');
    expect(edgeValue(T, side(p(-44 * 24, 1000)), side(p(24 * 5, 2000)), 24 * H).source).toBe('interpolated');
  });
  it('falls back to the nearest read inside the period (partial), a real number at its own time', () => {
    const inside = p(10 * 24, 1234);
    expect(edgeValue(T, null, side(inside, p(20 * 24, 2000)), 24 * H, inside)).toEqual({ value: 1234, at: '2026-11-11T00:00:00.000Z', source: 'partial', estimated: false });
  });
  it('knows nothing without reads', () => {
    expect(edgeValue(T, null, null, 24 * H)).toEqual({ value: null, at: null, source: 'none', estimated: false });
  });
});

describe('billing period', () => {
  it('parses a month, a range, and defaults to last month', () => {
    const now = new Date('2027-02-01T00:00:00Z');
    expect(parsePeriod({ period: '2026-12' }, now)).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(parsePeriod({ from: '2026-11-15', to: '2026-11-16T12:00:00+01:00' }, now)).toEqual({ from: '2026-11-15T00:00:00.000Z', to: '2026-11-16T11:00:00.000Z' });
    expect(parsePeriod({}, new Date('2026-01-10T00:00:00Z'))).toEqual({ from: '2025-12-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
  });
  it('says what is wrong', () => {
    expect(() => parsePeriod({ period: 'November' })).toThrow(new PeriodError('period "November" is not a month: use YYYY-MM, e.g. 2026-11'));
    expect(() => parsePeriod({ from: '2026-11-02', to: '2026-11-01' })).toThrow(/is not before/);
  });
});

describe('CSV', () => {
  it('quotes separators and defuses spreadsheet formulas, keeping negative numbers', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-42')).toBe('-42');
    expect(csvField(null)).toBe('');
    expect(csv([{ a: 1, b: 'x\ny' }], [{ header: 'a', get: (r) => r.a }, { header: 'b', get: (r) => r.b }])).toBe('a,b\r\n1,"x\ny"\r\n');
  });
});
