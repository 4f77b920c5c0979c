/**
 * Profiles whose vendor counters are not in the shared recordings, against fixtures
 * built from the documented OIDs (test/fixtures/profiles, each file names its source).
 */
import { describe, expect, test } from 'vitest';
import { fixture, readWithProfiles } from './helpers.js';

const codes = (r: { flags: { code: string }[] }) => r.flags.map((f) => f.code);

describe('vendor counter tables from documented OIDs', () => {
  test('ricoh: counter type codes map by code, not row order; colour rows add up', () => {
    const { reading, profile } = readWithProfiles(fixture('ricoh-counters.snmprec'));
    expect(profile?.name).toBe('ricoh');
    const c = reading.counters;
    expect(c.total?.value).toBe(150000);
    expect(c.printMono?.value).toBe(80000);
    expect(c.printColor?.value).toBe(30000 + 1000); // codes 402 + 403
    expect(c.copyMono?.value).toBe(25000);
    expect(c.copyColor?.value).toBe(9000);
    expect(c.fax?.value).toBe(5000);
    expect(c.print?.value).toBe(111000);
    expect(c.color?.value).toBe(40000);
    expect(reading.sources['counters.printColor']).toBe(
      'profile ricoh: 1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.1 + 1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.6');
    expect(Object.keys(reading.extraCounters)).not.toContain('999'); // unmapped code, keepOthers off
  });

  test('ricoh: level -100 is "near end" (low), not an invalid level', () => {
    const { reading } = readWithProfiles(fixture('ricoh-counters.snmprec'));
    const toner = reading.supplies[0]!;
    expect(toner.state).toBe('low');
    expect(toner.levelPercent).toBeNull();
    expect(reading.sources['supplies.0.state']).toBe('profile ricoh: rule ricoh-near-end');
    expect(codes(reading)).not.toContain('supplyLevelInvalid');
  });

  test('canon: counter ids; a later fallback table never overrides an earlier key', () => {
    const { reading, profile } = readWithProfiles(fixture('canon-ir.snmprec'));
    expect(profile?.name).toBe('canon');
    const c = reading.counters;
    expect(c.total?.value).toBe(120000);
    expect(c.mono?.value).toBe(70000); // id 108, not 112 + 113
    expect(c.color?.value).toBe(50000); // 122 + 123
    expect(c.print?.value).toBe(90000);
    expect(c.scan?.value).toBe(3000);
    expect(reading.identity.serial).toBe('QXL01234');
    expect(codes(reading)).not.toContain('partsMismatch');
  });

  test('canon MF: named table (hex names) and three-step toner levels', () => {
    const { reading } = readWithProfiles(fixture('canon-mf.snmprec'));
    const c = reading.counters;
    expect(c.total?.value).toBe(5000);
    expect(c.mono?.value).toBe(3000);
    expect(c.color?.value).toBe(2000);
    expect(c.print?.value).toBe(4000);
    expect(c.copy?.value).toBe(1000);
    const toner = reading.supplies[0]!;
    expect(toner.state).toBe('low');
    expect(toner.levelPercent).toBeNull(); // 10 is "toner low", not 10 %
  });

  test('kyocera MFP: function x colour table matches the web page figures', () => {
    const { reading } = readWithProfiles(fixture('kyocera-mfp.snmprec'));
    const c = reading.counters;
    expect(c.total?.value).toBe(432951); // prtMarkerLifeCount stays the total
    expect(reading.extraCounters.vendorTotal?.value).toBe(424405); // web page "Total", flagged as differing
    expect(c.printMono?.value).toBe(163915);
    expect(c.printColor?.value).toBe(140424);
    expect(c.copyMono?.value).toBe(73811);
    expect(c.copyColor?.value).toBe(42443);
    expect(c.fax?.value).toBe(3812);
    expect(c.print?.value).toBe(304339);
    expect(c.copy?.value).toBe(116254);
    expect(c.mono?.value).toBe(241538); // web page "B&W"
    expect(c.color?.value).toBe(182867); // web page "Color"
    expect(c.scan?.value).toBe(88636);
    expect(codes(reading)).toContain('totalDisagrees');
  });

  test('xerox: detail table by group.code index', () => {
    const { reading, profile } = readWithProfiles(fixture('xerox-counters.snmprec'));
    expect(profile?.name).toBe('xerox');
    const c = reading.counters;
    expect([c.total?.value, c.color?.value, c.mono?.value]).toEqual([50000, 20000, 30000]);
    expect([c.copyMono?.value, c.copyColor?.value, c.copy?.value]).toEqual([8000, 2000, 10000]);
    expect(c.scan?.value).toBe(1000);
    expect(reading.identity.model).toBe('WorkCentre 6605DN');
  });

  test('lexmark: type codes and the per-row unit column', () => {
    const { reading, profile } = readWithProfiles(fixture('lexmark-mps.snmprec'));
    expect(profile?.name).toBe('lexmark');
    const c = reading.counters;
    expect(c.total).toEqual({ value: 12000, unit: 'impressions' });
    expect(c.mono?.value).toBe(7000);
    expect(c.color?.value).toBe(5000);
    expect(c.printMono?.value).toBe(6500);
    expect(c.printColor?.value).toBe(4800);
    expect(reading.identity.serial).toBe('7528123456789');
    expect(reading.identity.model).toMatch(/CX725$/); // the standard decoder may already name it
  });

  test('epson: totals and function counters; mono per function derived', () => {
    const { reading } = readWithProfiles(fixture('epson-wf.snmprec'));
    const c = reading.counters;
    expect([c.total?.value, c.mono?.value, c.color?.value]).toEqual([81563, 39797, 41766]);
    expect(c.printMono?.value).toBe(9619);
    expect(c.copyMono?.value).toBe(30161);
    expect(reading.sources['counters.printMono']).toBe('profile epson: derived print - printColor');
    expect(reading.identity.serial).toBe('X9ZZ000123');
  });

  test('toshiba e-STUDIO: category.1.colour table, large and small paper', () => {
    const { reading, profile } = readWithProfiles(fixture('toshiba-estudio.snmprec'));
    expect(profile?.name).toBe('toshiba');
    const c = reading.counters;
    expect([c.mono?.value, c.color?.value]).toEqual([16000, 4000]);
    expect([c.printMono?.value, c.printColor?.value, c.print?.value]).toEqual([11000, 3000, 14000]);
    expect([c.copyMono?.value, c.copyColor?.value]).toEqual([5000, 1000]);
    expect([c.large?.value, c.small?.value]).toEqual([1200, 18800]);
    expect(reading.extraCounters.twinColor?.value).toBe(10);
    expect(reading.identity.model).toBe('e-STUDIO3515AC');
  });

  test('hp: engine counters, mono derived, hex two-line description cleaned', () => {
    const { reading, profile } = readWithProfiles(fixture('hp-counters.snmprec'));
    expect(profile?.name).toBe('hp');
    const c = reading.counters;
    expect([c.total?.value, c.color?.value, c.duplex?.value]).toEqual([64000, 24000, 9000]);
    expect(c.mono?.value).toBe(40000);
    expect(reading.sources['counters.mono']).toBe('profile hp: derived total - color');
    expect(reading.identity.serial).toBe('CNB1234567');
    expect(reading.supplies[0]!.description).toBe('Black Cartridge HP CF410A Replace');
  });

  test('brother: a 0-3 status code becomes a state, not a percentage', () => {
    const { reading } = readWithProfiles(fixture('brother-codes.snmprec'));
    expect(reading.supplies[0]!.state).toBe('low');
    expect(reading.supplies[0]!.levelPercent).toBeNull();
    expect(reading.counters.scan?.value).toBe(4321);
  });
});
