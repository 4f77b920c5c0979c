import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/discover/classify.js';
import { gatherFacts, recordingOps } from '../../src/discover/facts.js';
import { loadProfiles } from '../../src/profiles/load.js';
import { recognizeVendor } from '../../src/registry/recognize.js';
import { FIXTURES, recording, recordingNames } from './helpers.js';

const profiles = loadProfiles();

async function classified(folder: string, name: string) {
  const facts = await gatherFacts(recordingOps(recording(folder, name)), profiles);
  return { facts, c: classify(facts) };
}

/** Vendor (brand) and model each recording must yield; models follow the hrDeviceDescr/sysDescr the device reports. */
const EXPECTED: Record<string, [vendor: string, model: string | undefined, brand?: string]> = {
  'printers/brother': ['Brother', 'MFC-L2710DW'],
  'printers/canonprinter_lbp': ['Canon', 'LBP6670'],
  'printers/dell-laser_s5830dn': ['Dell', 'S5830dn'],
  'printers/epson': ['Epson', 'WF-C5790BA'],
  'printers/jetdirect': ['HP', 'Color LaserJet M452nw'],
  'printers/jetdirect_m252dw': ['HP', 'Color LaserJet Pro M252dw'],
  'printers/konica_c250i': ['Konica Minolta', 'bizhub C250i'],
  'printers/okilan_9450g': ['OKI', 'MC873'],
  'printers/pm_epson_cw': ['Epson', 'CW-C6500Au'],
  'printers/pm_kyocera_p2040': ['Kyocera', 'ECOSYS P2040dw'],
  'printers/ricoh_mpc3002': ['Ricoh', 'Aficio MP C3002'],
  'printers/samsungprinter_m4080fx': ['Samsung', 'M4080FX'],
  'printers/sharp_mxm266nv': ['Sharp', 'MX-M266NV'],
  'printers/xerox': ['Xerox', 'AltaLink C8045'],
  'detect/canonprinter_d1180': ['Canon', 'D1180/MF6680'],
  'detect/canonprinter_ir-adv': ['Canon', 'iR-ADV C5235'],
  'detect/canonprinter_mf': ['Canon', 'MF'],
  'detect/dell-laser': ['Dell', 'B3460dn'],
  'detect/dell-laser_color': ['Dell', 'Color Laser'],
  'detect/dell-laser_mfp': ['Dell', 'MFP Laser 3115cn'],
  'detect/developprinter': ['Konica Minolta', 'ineo 280', 'Develop'],
  'detect/jetdirect_1': ['HP', undefined],
  'detect/jetdirect_2': ['HP', undefined],
  'detect/lanier': ['Ricoh', 'MP C3501/LD635C', 'Lanier'],
  'detect/nrg': ['Ricoh', 'SP 4210N', 'nrg'],
  'detect/okilan': ['OKI', 'MC342'],
  'detect/ricoh': ['Ricoh', 'MP 3053'],
  'detect/ricoh_aficio': ['Ricoh', 'Aficio MP 201'],
  'detect/samsungprinter_c': ['Samsung', 'C'],
  'detect/samsungprinter_clx': ['Samsung', 'CLX-3170'],
  'detect/samsungprinter_ml': ['Samsung', 'ML-2850'],
  'detect/samsungprinter_s': ['Samsung', 'S'],
  'detect/samsungprinter_scx': ['Samsung', 'SCX'],
  'detect/sharp_mx2614n': ['Sharp', 'MX-2614N'],
  'detect/sharp_mx3140n': ['Sharp', 'MX-3140N'],
  'detect/sharp_mxc301w': ['Sharp', 'MX-C301W'],
  'detect/toshiba-tec_estudio305': ['Toshiba', 'e-STUDIO305CS'],
  'detect/toshiba-tec_ev4': ['Toshiba', 'B-EV4'],
  'detect/toshiba-tec_fv4': ['Toshiba', 'B-FV4'],
  'detect/toshiba-tec_sx5t': ['Toshiba', 'B-SX5T'],
  'detect/xerox_apeosport': ['Fujifilm', 'ApeosPort-VI C4471', 'Fuji Xerox'],
  'detect/xerox_color': ['Xerox', 'Color 570'],
  'detect/xerox_docuprint': ['Fujifilm', 'DocuPrint CM305 df', 'Fuji Xerox'],
  'detect/xerox_phaser': ['Xerox', 'Phaser 4600'],
  'detect/xerox_workcentre': ['Xerox', 'WorkCentre 6605DN'],
  'detect/zebra_1': ['Zebra', undefined],
};

describe('classification of every shared recording', () => {
  for (const folder of ['printers', 'detect'] as const) {
    for (const name of recordingNames(folder)) {
      it(`${folder}/${name} is a printer with the right vendor and model`, async () => {
        const { c } = await classified(folder, name);
        expect(c.printer, c.reason).toBe(true);
        const want = EXPECTED[`${folder}/${name}`];
        expect(want, `add ${folder}/${name} to EXPECTED`).toBeDefined();
        expect(c.vendor).toBe(want![0]);
        expect(c.model).toBe(want![1]);
        expect(c.brand).toBe(want![2]);
        expect(c.reason).toMatch(/Printer-MIB|vendor knowledge/);
      });
    }
  }

  for (const name of recordingNames('others')) {
    it(`others/${name} is not a printer, and says why`, async () => {
      const { c } = await classified('others', name);
      expect(c.printer).toBe(false);
      expect(c.reason).toMatch(/no Printer-MIB/);
      // The BMC lists an hrDevicePrinter row a few rows down (the Zyxel's is at row 35, past the 16 looked at).
      if (name.startsWith('supermicro')) expect(c.reason).toMatch(/lists a printer in hrDeviceTable/);
    });
  }

  it('a host listing only an hrDevicePrinter row is not a printer, whatever its vendor data says', () => {
    const c = classify({ sysDescr: 'Hardware: Intel64 Family 6 - Software: Windows Version 6.3', sysObjectID: '1.3.6.1.4.1.311.1.1.3.1.3', hrDeviceType: '1.3.6.1.2.1.25.3.1.5', hrDeviceDescr: 'HP LaserJet 4050 Series PCL6' });
    expect(c.printer).toBe(false);
    expect(c.reason).toMatch(/lists a printer in hrDeviceTable/);
    const linux = classify({ sysDescr: 'Linux cups 6.1.0', sysObjectID: '1.3.6.1.4.1.8072.3.2.10', hrDeviceType: '1.3.6.1.2.1.25.3.1.5', hrDeviceDescr: 'Brother HL-L2350DW' });
    expect(linux.printer).toBe(false);
  });

  it('serials and MACs come out of the recordings (Printer-MIB first, then vendor OIDs, then sysDescr)', async () => {
    const serials: Record<string, string | undefined> = {};
    for (const name of recordingNames('printers')) {
      const { facts } = await classified('printers', name);
      serials[name] = facts.serial;
      const expected = JSON.parse(readFileSync(`${FIXTURES}printers/${name}.expected.json`, 'utf8')) as { printerMib?: { prtGeneralSerialNumber?: string; serial?: string } };
      const raw = expected.printerMib?.prtGeneralSerialNumber ?? expected.printerMib?.serial;
      if (raw) expect(facts.serial).toBe(raw);
      if (name !== 'xerox') expect(facts.mac, name).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    }
    expect(serials.brother).toBe('000A5J431816'); // Brother's own OID
    expect(serials.jetdirect).toBe('AAA0A00000'); // HP: the vendor OID holds control bytes, sysDescr SN: does not
  });
});

describe('recognizeVendor', () => {
  it('lets the name in sysDescr beat the OID tree it sits under', () => {
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.641.2.1', sysDescr: 'TOSHIBA e-STUDIO305CS version x' })).toMatchObject({ vendor: 'Toshiba', kind: 'mfp' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.1347.41', sysDescr: 'UTAX P-4020DN' })).toMatchObject({ vendor: 'Kyocera', brand: 'Utax' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.1347.41', sysDescr: 'TA Triumph-Adler P-3521 MFP' })).toMatchObject({ vendor: 'Kyocera', brand: 'TA Triumph-Adler' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.367.1.1', sysDescr: 'SAVIN MP C3004 1.0 / SAVIN Network Printer' })).toMatchObject({ vendor: 'Ricoh', brand: 'Savin', model: 'MP C3004' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.367.1.1', sysDescr: 'GESTETNER MP 2014 1.0 / x' })).toMatchObject({ brand: 'Gestetner' });
  });

  it('knows Lexmark, Pantum and network gear', () => {
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.641.2.1.2.1.1', sysDescr: 'Lexmark MX611de version LW60 kernel' })).toMatchObject({ vendor: 'Lexmark', model: 'MX611de', kind: 'mfp' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.40093.1.1', sysDescr: 'Pantum P3300DN' })).toMatchObject({ vendor: 'Pantum', model: 'P3300DN', kind: 'printer' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.9.1.1208', sysDescr: 'Cisco IOS Software' })).toMatchObject({ vendor: 'Cisco', kind: 'network' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.11.2.3.7.11.160', sysDescr: 'ProCurve J9280A Switch 2510G-48' })).toMatchObject({ vendor: 'HP', kind: 'network' });
    expect(recognizeVendor({ sysObjectID: '1.3.6.1.4.1.99999.1', sysDescr: 'Something' })).toBeNull();
  });
});

describe('scanners and document servers (issue 15)', () => {
  // sysObjectIDs under printer makers' enterprises (HP 11, Kyocera 1347, Ricoh 367): vendor knowledge says printer.
  const base = { sysObjectID: '1.3.6.1.4.1.11.2.3.9.1', hrDeviceType: '1.3.6.1.2.1.25.3.1.1' };
  it.each([
    'HP Digital Sender Flow 8500 fn2 Document Capture Workstation',
    'HP ScanJet Enterprise Flow N9120 fn2 Network Scanner',
    'KYOCERA Document Server',
  ])('%s is not a printer without the Printer-MIB or an hrDevicePrinter row', (sysDescr) => {
    const c = classify({ ...base, sysDescr });
    expect(c.printer).toBe(false);
    expect(c.reason).toMatch(/scanner or document server, not a printer/);
  });

  it('a printer MFP whose sysDescr mentions its scanner still is a printer when it has the Printer-MIB', () => {
    expect(classify({ ...base, sysDescr: 'HP LaserJet MFP M430 with scanner', printerMibOid: '1.3.6.1.2.1.43.5.1.1.1.1' }).printer).toBe(true);
  });

  it('the same vendor OID without scanner words is still a printer by vendor knowledge', () => {
    expect(classify({ ...base, sysDescr: 'HP ETHERNET MULTI-ENVIRONMENT' }).printer).toBe(true);
  });
});
