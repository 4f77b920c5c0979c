/** The forecast's pure parts: robust fit, days-to-empty methods, cartridge changes, and the notification state machine. */
import { describe, expect, it } from 'vitest';
import { cartridgeYield, detectChanges, forecastSupply, notifyStep, theilSen, type EventState, type Observation } from '../src/index.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('Theil-Sen fit', () => {
  it('finds the line through clean points and ignores a few wild ones', () => {
    const pts = Array.from({ length: 20 }, (_, i) => ({ x: i, y: 80 - 2 * i }));
    expect(theilSen(pts)).toEqual({ slope: -2, intercept: 80 });
    // Two glitches (a level read as 0 and one as 100): least squares would tilt, the median of slopes does not.
    pts[5] = { x: 5, y: 0 };
    pts[12] = { x: 12, y: 100 };
    const l = theilSen(pts)!;
    expect(l.slope).toBeCloseTo(-2, 5);
    expect(l.intercept).toBeCloseTo(80, 5);
  });
  it('has no line without two distinct x', () => {
    expect(theilSen([{ x: 1, y: 5 }, { x: 1, y: 7 }])).toBeNull();
  });
});

describe('days until empty', () => {
  it('trend: level falling 2 %/day from 60 % is empty in 30 days', () => {
    const hist = Array.from({ length: 11 }, (_, i) => ({ at: T0 + i * DAY, level: 80 - 2 * i }));
    const f = forecastSupply(hist, { now: T0 + 10 * DAY });
    expect(f).toMatchObject({ method: 'trend', level: 60, daysLeft: 30, percentPerDay: 2, points: 11 });
    expect(f.emptyAt).toBe(new Date(T0 + 40 * DAY).toISOString());
  });
  it('pages: one reading span with counters: page rate x percent per page', () => {
    // Two readings 1 day apart (too short for a trend): 500 pages moved it 5 %; 500 pages/day -> 5 %/day; 50 % left -> 10 days.
    const f = forecastSupply([{ at: T0, level: 55, total: 1000 }, { at: T0 + DAY, level: 50, total: 1500 }], { now: T0 + DAY });
    expect(f).toMatchObject({ method: 'pages', daysLeft: 10, percentPerDay: 5 });
  });
  it('pages: a fresh cartridge uses the last cartridge\'s yield and the given page rate', () => {
    const f = forecastSupply([{ at: T0, level: 100, total: 5000 }], { now: T0, pagesPerDay: 200, lastYieldPages: 10_000 });
    // 100 % / 10,000 pages = 0.01 %/page x 200 pages/day = 2 %/day -> 50 days.
    expect(f).toMatchObject({ method: 'pages', daysLeft: 50, percentPerDay: 2 });
  });
  it('empty is 0 days; not enough data is "none", never a made-up number', () => {
    expect(forecastSupply([{ at: T0, level: 0 }], { now: T0 })).toMatchObject({ method: 'empty', daysLeft: 0 });
    expect(forecastSupply([{ at: T0, level: 70 }], { now: T0 })).toMatchObject({ method: 'none', daysLeft: null, emptyAt: null });
    expect(forecastSupply([], { now: T0 })).toMatchObject({ method: 'none', daysLeft: null, level: null });
  });
  it('a level that does not fall gives no date', () => {
    const flat = Array.from({ length: 6 }, (_, i) => ({ at: T0 + i * DAY, level: 40, total: 100 }));
    expect(forecastSupply(flat, { now: T0 + 5 * DAY }).daysLeft).toBeNull();
  });
});

describe('cartridge changes', () => {
  it('a jump of 10 points or more is a change; wobble is not', () => {
    const pts = [{ at: T0, level: 12, total: 9000 }, { at: T0 + DAY, level: 13, total: 9100 }, { at: T0 + 2 * DAY, level: 5, total: 9300 },
      { at: T0 + 3 * DAY, level: 98, total: 9400 }, { at: T0 + 4 * DAY, level: 97, total: 9500 }];
    const ch = detectChanges(pts);
    expect(ch).toEqual([{ at: T0 + 3 * DAY, levelBefore: 5, levelAfter: 98, totalAtChange: 9400 }]);
    // One glitch reading of 0 % between normal ones is not a change.
    expect(detectChanges([50, 48, 0, 46, 44].map((level, i) => ({ at: T0 + i * DAY, level })))).toEqual([]);
    expect(cartridgeYield(ch[0]!, { totalAtChange: 2400 })).toBe(7000);
    expect(cartridgeYield(ch[0]!, null)).toBeNull();
  });
});

describe('notification state machine', () => {
  const run = (obs: [Observation, number][], settle = 15 * 60_000) => {
    let ev: EventState | null = null;
    const notes: string[] = [];
    for (const [o, min] of obs) {
      const r = notifyStep(ev, o, new Date(T0 + min * 60_000).toISOString(), settle);
      ev = r.next;
      if (r.notify) notes.push(`${r.notify}@${min}`);
    }
    return notes;
  };
  it('flapping faster than the settle time gives one "open" and no storm', () => {
    const flapping: [Observation, number][] = Array.from({ length: 40 }, (_, i) => [i % 2 ? 'absent' : 'active', i * 5]);
    expect(run(flapping)).toEqual(['open@0']);
  });
  it('clears once after two absent observations settle apart, then a new event opens again', () => {
    expect(run([['active', 0], ['active', 5], ['absent', 10], ['absent', 20], ['absent', 30], ['absent', 40], ['active', 50], ['hold', 55]]))
      .toEqual(['open@0', 'clear@30', 'open@50']);
  });
  it('"hold" (inside the hysteresis band) neither opens nor clears', () => {
    expect(run([['hold', 0], ['active', 1], ['hold', 100], ['hold', 200]])).toEqual(['open@1']);
  });
});
