/**
 * Issue 15 "Reading right": identity values are clean text whatever a vendor OID returns,
 * and a vendor's own model OID wins over a model guessed from sysDescr. Recordings:
 * pm_kyocera_p2040 (printmaster testdata), konica_c250i (LibreNMS tests/data), with the
 * values a vendor OID was seen to return written over them.
 */
import { describe, expect, it } from 'vitest';
import { cleanIdentityText } from '../../src/reading/identity-text.js';
import { cleanSerial } from '../../src/reading/serial.js';
import { flagNoStableIdentity } from '../../src/pipeline/read-many.js';
import { decodeReading } from '../../src/reading/decode.js';
import type { Varbind } from '../../src/snmp/types.js';
import { readWithProfiles, recording } from './helpers.js';

function edit(vbs: Varbind[], changes: Record<string, Buffer | null>): Varbind[] {
  const out = vbs.filter((v) => !(v.oid in changes) || changes[v.oid] !== null).map((v) => (v.oid in changes ? { ...v, value: changes[v.oid]! } : v));
  for (const [oid, value] of Object.entries(changes)) if (value && !out.some((v) => v.oid === oid)) out.push({ oid, type: 'OctetString', value });
  return out;
}

const bin = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('identity values', () => {
  it('lose binary prefixes, NUL padding and control bytes', () => {
    expect(cleanIdentityText('\u0000\u000aVD21457943\u0000\u0000')).toBe('VD21457943');
    expect(cleanIdentityText('\u0081\u00a3ECOSYS P2040dw')).toBe('ECOSYS P2040dw');
    expect(cleanIdentityText('2RX_3000\u001b[2J.002\u0007')).toBe('2RX_3000 [2J.002');
    expect(cleanIdentityText('bizhub\u202e C250i\r\n')).toBe('bizhub C250i');
    expect(cleanIdentityText('Büro-Drucker 3')).toBe('Büro-Drucker 3');
    expect(cleanSerial('\u0000\u0008X7K1234567\u0000')).toBe('X7K1234567');
    expect(cleanIdentityText('\u0000\u0001\u0002')).toBeNull();
  });

  it('from a vendor OID, on a whole read (kyocera profile)', () => {
    const vbs = edit(recording('printers/pm_kyocera_p2040.snmprec'), {
      // No Printer-MIB serial: the vendor OID's value is used.
      '1.3.6.1.2.1.43.5.1.1.17.1': null,
      '1.3.6.1.4.1.1347.43.5.1.1.28.1': bin([0x00, 0x0a], 'VD21457943', [0, 0, 0]),
      '1.3.6.1.4.1.1347.43.5.1.1.1.1': bin([0x81, 0x02], 'ECOSYS P2040dw', [0, 0]),
      '1.3.6.1.4.1.1347.43.5.4.1.5.1.1': bin('2RX_3000.002.503', [0x07, 0x00, 0x00]),
    });
    const { reading, profile } = readWithProfiles(vbs);
    expect(profile?.name).toBe('kyocera');
    expect(reading.identity.serial).toBe('VD21457943');
    expect(reading.identity.model).toBe('ECOSYS P2040dw');
    expect(reading.identity.firmware).toBe('2RX_3000.002.503');
    for (const v of [reading.identity.serial, reading.identity.model, reading.identity.firmware]) {
      expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
  });
});

describe('model', () => {
  it('the vendor\'s model OID wins over a model parsed from sysDescr', () => {
    const vbs = edit(recording('printers/konica_c250i.snmprec'), {
      '1.3.6.1.2.1.1.1.0': Buffer.from('KONICA MINOLTA bizhub C999'),
    });
    const plain = decodeReading('127.0.0.1', vbs);
    expect(plain.identity.model).toMatch(/C999/); // what sysDescr alone suggests
    const { reading } = readWithProfiles(vbs);
    expect(reading.identity.model).toBe('bizhub C250i');
    expect(reading.sources['identity.model']).toBe('profile konica-minolta: 1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0');
  });
});

describe('a device with no serial and no MAC', () => {
  it('carries its address and model and a flag saying how the collector will know it', () => {
    const vbs = recording('printers/xerox.snmprec').filter((v) =>
      !v.oid.startsWith('1.3.6.1.2.1.43.5.1.1.17.') && !v.oid.startsWith('1.3.6.1.2.1.2.2.1.6.') && !v.oid.startsWith('1.3.6.1.4.1.253.8.53.3.2.1.3'));
    const { reading } = readWithProfiles(vbs);
    reading.identity.serial = null; // whatever the profile found: this device gives none
    flagNoStableIdentity(reading);
    expect(reading.identity.mac).toBeNull();
    expect(reading.identity.model).toBeTruthy();
    const address = reading.identity.ip ?? reading.host;
    expect(reading.flags.find((f) => f.code === 'noSerialOrMac')?.message).toContain(`address ${address} and model ${reading.identity.model}`);
    flagNoStableIdentity(reading);
    expect(reading.flags.filter((f) => f.code === 'noSerialOrMac')).toHaveLength(1);
  });
});
