/**
 * Brands resolve to their vendor family for every part: classification, SNMP profile and
 * web-page profile come from one match of the device to one registry family. Savin, Lanier,
 * Gestetner and nrg are Ricoh; Develop is Konica Minolta; Utax, TA Triumph-Adler and
 * Copystar are Kyocera. sysDescr strings and sysObjectIDs are those of the recordings in
 * test/fixtures/devices (detect/lanier, detect/nrg, detect/developprinter) and of the
 * brands' own naming (Savin MP C3003: a Ricoh MP C3003 sold as Savin).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { DEVICES_DIR } from '../helpers/fixtures.js';
import { files, startServer, type TestServer } from '../http-scrape/server.js';
import { loadWebProfiles, matchWebProfile } from '../../src/http-scrape/profiles.js';
import { recognizeVendor } from '../../src/registry/recognize.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { parseSnmprec } from '../../src/snmp/snmprec.js';
import { builtins, readWithProfiles } from '../profiles/helpers.js';

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const RICOH_OID = '1.3.6.1.4.1.367.1.1';
const SAVIN = 'SAVIN MP C3003 1.02 / SAVIN Network Printer C model / SAVIN Network Scanner C model';

/** The Ricoh MP C3002 recording as a Savin MP C3003: same engine, Savin's name in sysDescr. */
function savinRecording(): string {
  const text = readFileSync(join(DEVICES_DIR, 'printers', 'ricoh_mpc3002.snmprec'), 'utf8');
  return text.split('\n').map((l) => (l.startsWith(`${SYS_DESCR}|`) ? `${SYS_DESCR}|4|${SAVIN}` : l)).join('\n');
}

const CASES: Array<{ descr: string; oid: string; family: string; vendor: string; brand: string; snmp: string; web: string | null }> = [
  { descr: SAVIN, oid: RICOH_OID, family: 'ricoh', vendor: 'Ricoh', brand: 'Savin', snmp: 'ricoh', web: 'ricoh-web-image-monitor' },
  { descr: 'LANIER MP C3501/LD635C 2.01 / LANIER Network Printer C model / LANIER Network Scanner C model', oid: RICOH_OID, family: 'ricoh', vendor: 'Ricoh', brand: 'Lanier', snmp: 'ricoh', web: 'ricoh-web-image-monitor' },
  { descr: 'NRG SP 4210N 1.05 / NRG Network Printer C model', oid: RICOH_OID, family: 'ricoh', vendor: 'Ricoh', brand: 'nrg', snmp: 'ricoh', web: 'ricoh-web-image-monitor' },
  { descr: 'GESTETNER MP 2014 1.0 / GESTETNER Network Printer', oid: RICOH_OID, family: 'ricoh', vendor: 'Ricoh', brand: 'Gestetner', snmp: 'ricoh', web: 'ricoh-web-image-monitor' },
  // A brand's sysDescr alone (no sysObjectID, as behind some print servers) still finds the family.
  { descr: 'SAVIN MP C3003 1.02 / SAVIN Network Printer C model', oid: '', family: 'ricoh', vendor: 'Ricoh', brand: 'Savin', snmp: 'ricoh', web: 'ricoh-web-image-monitor' },
  { descr: 'Develop ineo  280', oid: '1.3.6.1.4.1.18334.1.2.1.2.1.50.2.2', family: 'konica-minolta', vendor: 'Konica Minolta', brand: 'Develop', snmp: 'konica-minolta', web: null },
  { descr: 'Develop ineo+ 224e', oid: '', family: 'konica-minolta', vendor: 'Konica Minolta', brand: 'Develop', snmp: 'konica-minolta', web: null },
  { descr: 'UTAX P-4020DN', oid: '1.3.6.1.4.1.1347.41', family: 'kyocera', vendor: 'Kyocera', brand: 'Utax', snmp: 'kyocera', web: 'kyocera-command-center' },
  { descr: 'TA Triumph-Adler P-3521 MFP', oid: '', family: 'kyocera', vendor: 'Kyocera', brand: 'TA Triumph-Adler', snmp: 'kyocera', web: 'kyocera-command-center' },
  { descr: 'COPYSTAR CS 3010i', oid: '', family: 'kyocera', vendor: 'Kyocera', brand: 'Copystar', snmp: 'kyocera', web: 'kyocera-command-center' },
];

describe('a brand is its family for classification, SNMP profile and web profile', () => {
  const web = loadWebProfiles();
  for (const c of CASES) {
    it(`${c.descr.split(' ')[0]} ${c.oid || '(no sysObjectID)'} -> ${c.family}`, () => {
      expect(recognizeVendor({ sysObjectID: c.oid, sysDescr: c.descr })).toMatchObject({ family: c.family, vendor: c.vendor, brand: c.brand });
      const varbinds = parseSnmprec([`${SYS_DESCR}|4|${c.descr}`, ...(c.oid ? [`1.3.6.1.2.1.1.2.0|6|${c.oid}`] : [])].join('\n'));
      const { reading, profile } = readWithProfiles(varbinds, builtins());
      expect(profile?.name).toBe(c.snmp);
      // identity.vendor shows the name on the device; the family still picks the pages.
      expect(reading.identity.vendor).toBe(c.brand);
      expect(matchWebProfile(reading, web)?.name ?? null).toBe(c.web);
    });
  }
});

describe('an OEM device under another maker\'s sysObjectID', () => {
  it('a Toshiba e-STUDIO under Lexmark\'s tree is Toshiba: Toshiba\'s SNMP profile and no Lexmark pages', () => {
    const varbinds = parseSnmprec(readFileSync(join(DEVICES_DIR, 'detect', 'toshiba-tec_estudio305.snmprec'), 'utf8'));
    const { reading, profile } = readWithProfiles(varbinds, builtins());
    expect(reading.identity.vendor).toBe('Toshiba');
    expect(profile?.name).toBe('toshiba');
    expect(matchWebProfile(reading, loadWebProfiles())).toBeNull();
  });
  it('a Dell under Lexmark\'s tree keeps Lexmark\'s SNMP profile (Dell has none), as before', () => {
    const varbinds = parseSnmprec('1.3.6.1.2.1.1.1.0|4|Dell MFP Laser 3115cn; NM 1.0\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.641.2.1');
    const { reading, profile } = readWithProfiles(varbinds, builtins());
    expect(reading.identity.vendor).toBe('Dell');
    expect(profile?.name).toBe('lexmark');
    expect(matchWebProfile(reading, loadWebProfiles())).toBeNull();
  });
});

describe('amr read of a Savin MP C3003 reads Ricoh Web Image Monitor', () => {
  const HOST = '127.0.39.1';
  const PORT = 16179;
  let sim: Simulator;
  let server: TestServer;
  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test binds port 80 on 127.0.39.1 and must run as root (scripts/loopback-only.sh)');
    sim = await startSimulator({ devices: [{ address: HOST, port: PORT, name: 'savin', varbinds: parseSnmprec(savinRecording()) }] });
    server = await startServer(HOST, files({ '/web/guest/en/websys/status/getUnificationCounter.cgi': { file: 'ricoh/getUnificationCounter.html' } }), { port: 80 });
  });
  afterAll(async () => {
    await sim?.stop();
    await server?.close();
  });

  it('identity says Savin, the profile is Ricoh\'s, and the copier counters come from the Ricoh page', async () => {
    const r = await amr(['read', HOST, '--port', String(PORT), '--explain', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout);
    const one = Array.isArray(reading) ? reading[0] : reading;
    expect(one.identity.vendor).toBe('Savin');
    expect(one.profile).toBe('ricoh');
    expect(one.sources['counters.copyMono']).toMatch(/^web:http:\/\/127\.0\.39\.1\/web\/guest\/en\/websys\/status\/getUnificationCounter\.cgi/);
    expect(server.requests.map((q) => q.method)).toEqual(['GET']);
  });

  it('a dealer\'s broken Ricoh web profile stops amr read with one line naming the file and the place, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amr-brands-'));
    try {
      mkdirSync(join(dir, 'profiles', 'ricoh'), { recursive: true });
      const file = join(dir, 'profiles', 'ricoh', 'web.json');
      writeFileSync(file, JSON.stringify({ name: 'ricoh-web-image-monitor', onByDefault: true, pages: [{ path: '/a', format: 'html', values: [{ counter: 'copy', selector: 'td', unitt: 'sheets' }] }] }));
      writeFileSync(join(dir, 'config.ini'), `[agent]\ncustomer = X\ndata_dir = ${dir}\n`);
      const r = await amr(['read', HOST, '--port', String(PORT), '--config', join(dir, 'config.ini')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`web profile ${file}: pages[0].values[0]: unknown key "unitt"`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
