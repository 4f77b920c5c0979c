/** The standard decoder over every real printer recording, checked against its expected file. */
import { describe, expect, it } from 'vitest';
import { decodeReading } from '../../src/reading/decode.js';
import { expectedPercent, loadExpected, loadRecording, recordingNames } from '../helpers/fixtures.js';

const STATES: Record<number, string> = { [-1]: 'unrestricted', [-2]: 'unknown', [-3]: 'someRemaining' };

describe.each(recordingNames('printers'))('recording %s', (name) => {
  const expected = loadExpected(name);
  const reading = decodeReading('127.0.0.1', loadRecording('printers', name));
  const mib = expected.printerMib;

  it('reports sysDescr and sysObjectID as recorded', () => {
    expect(reading.identity.sysDescr).toBe(expected.sysDescr.trim());
    expect(reading.identity.sysObjectID).toBe(expected.sysObjectID.replace(/^\./, ''));
  });

  it('reports the Printer-MIB serial', () => {
    if (mib.serial && mib.serial !== '<private>') expect(reading.identity.serial).toBe(mib.serial.trim());
    else expect(reading.identity.serial ?? null).not.toBe('<private>');
  });

  it('reports the total counter with its unit', () => {
    if (mib.lifeCount === null) {
      expect(reading.counters.total).toBeUndefined();
      return;
    }
    expect(reading.counters.total?.value).toBe(mib.lifeCount);
    const unit = mib.counterUnit === 8 ? 'sheets' : mib.counterUnit === 7 || mib.counterUnit === null ? 'impressions' : 'other';
    expect(reading.counters.total?.unit).toBe(unit);
  });

  it('reports every supply row with an RFC 3805 level', () => {
    expect(reading.supplies).toHaveLength(mib.supplies.length);
    for (const s of mib.supplies) {
      const got = reading.supplies.find((x) => x.hrDeviceIndex === s.hrDeviceIndex && x.index === s.index);
      expect(got, `supply ${s.hrDeviceIndex}.${s.index}`).toBeDefined();
      expect(got!.description).toBe(s.description.replace(/\0+$/, '').trim());
      expect(got!.levelPercent).toBe(expectedPercent(s));
      if (s.level !== null && STATES[s.level]) expect(got!.state).toBe(STATES[s.level]);
      if (got!.levelPercent !== null) {
        expect(got!.levelPercent).toBeGreaterThanOrEqual(0);
        expect(got!.levelPercent).toBeLessThanOrEqual(100);
      }
    }
  });
});
