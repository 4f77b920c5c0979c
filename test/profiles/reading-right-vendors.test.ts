/**
 * Issue 15 "Reading right": HP scan counts, a Zebra profile and counters by paper size.
 * Fixtures built from the documented OIDs (test/fixtures/profiles/README.md names each source).
 */
import { describe, expect, test } from 'vitest';
import { fixture, readWithProfiles, recording } from './helpers.js';

describe('HP scans', () => {
  test('ADF and flatbed pages of the HP LaserJet MIB are the scan count, in scans, and kept apart', () => {
    const { reading, profile } = readWithProfiles(fixture('hp-mfp-scans.snmprec'));
    expect(profile?.name).toBe('hp');
    expect(reading.counters.scan).toEqual({ value: 4100 + 1250, unit: 'scans' });
    expect(reading.extraCounters.scanAdf).toEqual({ value: 4100, unit: 'scans' });
    expect(reading.extraCounters.scanFlatbed).toEqual({ value: 1250, unit: 'scans' });
    expect(reading.sources['counters.scan']).toBe('profile hp: 1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.20.0 + 1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.21.0');
  });
});

describe('Zebra', () => {
  test('serial, model and firmware from Zebra\'s MIB, not the print-server card\'s', () => {
    const { reading, profile } = readWithProfiles(fixture('zebra-zt.snmprec'));
    expect(profile?.name).toBe('zebra');
    expect(reading.identity.vendor).toBe('Zebra');
    expect(reading.identity.serial).toBe('52J162501234');
    expect(reading.identity.model).toBe('ZT230');
    expect(reading.identity.firmware).toBe('V72.20.01Z');
    expect(reading.counters.total).toEqual({ value: 88412, unit: 'impressions' });
  });

  test('the LibreNMS Zebra stub selects the Zebra profile', () => {
    const { profile } = readWithProfiles(recording('detect/zebra_1.snmprec'));
    expect(profile?.name).toBe('zebra');
  });
});

describe('counters by paper size', () => {
  test('Canon: black and colour on large and small paper, large and small derived', () => {
    const { reading } = readWithProfiles(fixture('canon-ir.snmprec'));
    const c = reading.counters;
    expect(c.largeMono?.value).toBe(20000);
    expect(c.smallMono?.value).toBe(50000);
    expect(c.largeColor?.value).toBe(10000);
    expect(c.smallColor?.value).toBe(40000);
    expect(c.large?.value).toBe(30000);
    expect(c.small?.value).toBe(90000);
    expect(reading.sources['counters.large']).toMatch(/derived largeMono \+ largeColor/);
  });
});
