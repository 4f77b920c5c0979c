/**
 * Every built-in profile against the real recordings in test/fixtures/devices (copied from the shared recordings with their provenance): the
 * LibreNMS counters, models, firmware and serials come out under the right keys.
 */
import { describe, expect, test } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICES, expected, readWithProfiles, recording } from './helpers.js';

describe('shared printer recordings', () => {
  test('konica_c250i: copy/print x mono/colour, duplex and scans by key', () => {
    const { reading, profile } = readWithProfiles(recording('printers/konica_c250i.snmprec'));
    expect(profile?.name).toBe('konica-minolta');
    const c = reading.counters;
    expect(c.total).toEqual({ value: 33810, unit: 'impressions' });
    expect(c.copyMono?.value).toBe(3672);
    expect(c.copyColor?.value).toBe(544);
    expect(c.printMono?.value).toBe(22876);
    expect(c.printColor?.value).toBe(6711);
    expect(c.duplex?.value).toBe(7357);
    expect(c.scan?.value).toBe(5653);
    expect(c.print?.value).toBe(22876 + 6711);
    expect(c.copy?.value).toBe(3672 + 544);
    expect(reading.sources['counters.printColor']).toBe('profile konica-minolta: 1.3.6.1.4.1.18334.1.1.1.5.7.2.2.1.5.2.2');
    expect(reading.sources['counters.print']).toMatch(/derived printMono \+ printColor/);
    expect(reading.identity.firmware).toBe(expected('konica_c250i').librenms.version);
  });

  test('sharp_mxm266nv: named counters map by name, the rest kept by name', () => {
    const { reading, profile } = readWithProfiles(recording('printers/sharp_mxm266nv.snmprec'));
    expect(profile?.name).toBe('sharp');
    const c = reading.counters;
    expect(c.mono?.value).toBe(90474);
    expect(c.color?.value).toBe(0);
    expect(c.printMono?.value).toBe(24677);
    expect(c.print?.value).toBe(24677);
    expect(c.copyMono?.value).toBe(65787);
    expect(c.copy?.value).toBe(65787);
    expect(c.duplex?.value).toBe(3752);
    expect(c.scan?.value).toBe(7636 + 16110);
    expect(reading.extraCounters['Document Feeder']?.value).toBe(18582);
    expect(reading.extraCounters['Scan to E-mail/FTP']?.value).toBe(23746);
    expect(reading.extraCounters['Two Color Total Count']?.value).toBe(0);
    expect(reading.extraCounters['Black & White Other Count']?.value).toBe(10);
    // mono + colour equal the Printer-MIB total: nothing to flag
    expect(reading.flags.map((f) => f.code)).not.toContain('partsMismatch');
    const lib = expected('sharp_mxm266nv').librenms;
    expect(reading.identity.firmware).toBe(lib.version);
    expect(reading.identity.serial).toBe(lib.serial);
    // every LibreNMS counter value appears somewhere in the Reading
    const values = [...Object.values(c), ...Object.values(reading.extraCounters)].map((x) => x!.value);
    for (const lc of lib.counters) expect(values).toContain(lc.value);
  });

  test('ricoh_mpc3002: identity from Ricoh OIDs, total in sheets flagged as sheets', () => {
    const { reading, profile } = readWithProfiles(recording('printers/ricoh_mpc3002.snmprec'));
    expect(profile?.name).toBe('ricoh');
    const lib = expected('ricoh_mpc3002').librenms;
    expect(reading.counters.total).toEqual({ value: 271871, unit: 'sheets' });
    expect(reading.identity.serial).toBe(lib.serial);
    expect(reading.identity.firmware).toBe(lib.version);
    expect(reading.flags.find((f) => f.code === 'unitSheets')?.path).toBe('counters.total');
  });

  test('samsungprinter_m4080fx: total in impressions, model and firmware from sysDescr', () => {
    const { reading, profile } = readWithProfiles(recording('printers/samsungprinter_m4080fx.snmprec'));
    expect(profile?.name).toBe('samsung');
    expect(reading.counters.total).toEqual({ value: 22934, unit: 'impressions' });
    expect(reading.identity.model).toBe('M4080FX');
    expect(reading.identity.firmware).toBe('11.01.03.04');
    expect(reading.identity.serial).toBeNull(); // "S/N" with nothing after it
  });

  test('brother: model, serial and firmware from Brother OIDs match LibreNMS', () => {
    const { reading, profile } = readWithProfiles(recording('printers/brother.snmprec'));
    expect(profile?.name).toBe('brother');
    const lib = expected('brother').librenms;
    expect(reading.identity.model).toBe(lib.hardware);
    expect(reading.identity.serial).toBe(lib.serial);
    expect(reading.identity.firmware).toBe(lib.version);
  });

  test('canon LBP: firmware from the Canon product info', () => {
    const { reading, profile } = readWithProfiles(recording('printers/canonprinter_lbp.snmprec'));
    expect(profile?.name).toBe('canon');
    expect(reading.identity.firmware).toBe(expected('canonprinter_lbp').librenms.version);
  });

  test('oki: model and firmware from the OkiLAN sysDescr', () => {
    const { reading, profile } = readWithProfiles(recording('printers/okilan_9450g.snmprec'));
    expect(profile?.name).toBe('oki');
    const lib = expected('okilan_9450g').librenms;
    expect(reading.identity.model).toBe(lib.hardware);
    expect(reading.identity.firmware).toBe(lib.version);
  });

  test('xerox: model from the Xerox device ID', () => {
    const { reading, profile } = readWithProfiles(recording('printers/xerox.snmprec'));
    expect(profile?.name).toBe('xerox');
    expect(reading.identity.model).toBe(expected('xerox').librenms.hardware);
  });

  test('kyocera p2040: Printer-MIB total reported, Kyocera total printed kept beside it and flagged', () => {
    const { reading, profile } = readWithProfiles(recording('printers/pm_kyocera_p2040.snmprec'));
    expect(profile?.name).toBe('kyocera');
    expect(reading.counters.total).toEqual({ value: expected('pm_kyocera_p2040').printerMib.lifeCount, unit: 'impressions' });
    expect(reading.sources['counters.total']).toBe('1.3.6.1.2.1.43.10.2.1.4.1.1');
    expect(reading.extraCounters.vendorTotal).toEqual({ value: 7342, unit: 'impressions' });
    expect(reading.sources['extraCounters.vendorTotal']).toBe('profile kyocera: 1.3.6.1.4.1.1347.43.10.1.1.12.1.1');
    expect(reading.flags.map((f) => f.code)).toContain('totalDisagrees');
    expect(reading.identity.serial).toBe('VD21457943');
    expect(reading.identity.firmware).toBe('2RX_3000.002.503');
  });

  test('epson and hp recordings select their profiles', () => {
    expect(readWithProfiles(recording('printers/epson.snmprec')).profile?.name).toBe('epson');
    expect(readWithProfiles(recording('printers/pm_epson_cw.snmprec')).profile?.name).toBe('epson');
    expect(readWithProfiles(recording('printers/jetdirect.snmprec')).profile?.name).toBe('hp');
    expect(readWithProfiles(recording('printers/jetdirect_m252dw.snmprec')).profile?.name).toBe('hp');
  });

  test('detect stubs: vendor families and OEM sysObjectIDs pick the right profile', () => {
    const want: Record<string, string | null> = {
      'lanier.snmprec': 'ricoh', 'nrg.snmprec': 'ricoh', 'ricoh_aficio.snmprec': 'ricoh',
      'developprinter.snmprec': 'konica-minolta', 'canonprinter_ir-adv.snmprec': 'canon',
      'xerox_apeosport.snmprec': 'fujifilm', 'xerox_docuprint.snmprec': 'fujifilm',
      'xerox_phaser.snmprec': 'xerox', 'xerox_workcentre.snmprec': 'xerox',
      'toshiba-tec_estudio305.snmprec': 'toshiba', 'toshiba-tec_ev4.snmprec': 'toshiba-tec',
      'sharp_mx2614n.snmprec': 'sharp', 'samsungprinter_ml.snmprec': 'samsung', 'okilan.snmprec': 'oki',
      'zebra_1.snmprec': 'zebra',
    };
    for (const [file, name] of Object.entries(want)) {
      expect([file, readWithProfiles(recording(join('detect', file))).profile?.name ?? null]).toEqual([file, name]);
    }
  });

  test('non-printers match no profile', () => {
    for (const f of readdirSync(join(DEVICES, 'others')).filter((f) => f.endsWith('.snmprec'))) {
      expect([f, readWithProfiles(recording(join('others', f))).profile]).toEqual([f, null]);
    }
  });
});
