/**
 * Every vendor with web pages, as a technician sees it: `amr read --explain` against a
 * real printer recording served by the simulator, with the vendor's page fixtures on
 * port 80 of the same loopback address. Each one shows counters that SNMP lacked,
 * marked with the page they came from.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { files, startServer, type TestServer } from '../http-scrape/server.js';

const PORT = 16168;
const xml = 'text/xml';
const json = 'application/json';
const VENDORS: Array<{ vendor: string; recording: string; pages: Parameters<typeof files>[0]; expect: RegExp[] }> = [
  { vendor: 'HP', recording: 'jetdirect_m252dw', pages: {
    '/DevMgmt/ProductUsageDyn.xml': { file: 'hp/ProductUsageDyn.xml', type: xml },
    '/DevMgmt/ConsumableConfigDyn.xml': { file: 'hp/ConsumableConfigDyn.xml', type: xml },
  }, expect: [/mono\s+452 impressions\s+<- web:http:\/\/127\.0\.31\.\d+\/DevMgmt\/ProductUsageDyn\.xml/] },
  { vendor: 'Epson', recording: 'epson', pages: {
    '/PRESENTATION/ADVANCED/INFO_MENTINFO/TOP': { file: 'epson/MENTINFO-TOP.html' },
    '/PRESENTATION/HTML/TOP/PRTINFO.HTML': { file: 'epson/WF-7720-PRTINFO.html' },
  }, expect: [/<- web:http:\/\/127\.0\.31\.\d+\/PRESENTATION\//] },
  { vendor: 'Samsung', recording: 'samsungprinter_m4080fx', pages: {
    '/sws/app/information/counters/counters.json': { file: 'samsung/counters.json', type: json },
    '/sws/app/information/home/home.json': { file: 'samsung/home.json', type: json },
  }, expect: [/<- web:http:\/\/127\.0\.31\.\d+\/sws\/app\/information\/counters\/counters\.json/] },
  { vendor: 'Ricoh', recording: 'ricoh_mpc3002', pages: {
    '/web/guest/en/websys/status/getUnificationCounter.cgi': { file: 'ricoh/getUnificationCounter.html' },
  }, expect: [/copyMono\s+[\d,]+ impressions\s+<- web:http:\/\/127\.0\.31\.\d+\/web\/guest\/en\/websys\/status\/getUnificationCounter\.cgi/] },
  { vendor: 'Brother', recording: 'brother', pages: {
    '/general/information.html?kind=item': { file: 'brother/information.html' },
  }, expect: [/total\s+10,457 impressions\s+<- web:http:\/\/127\.0\.31\.\d+\/general\/information\.html/] },
  { vendor: 'Xerox', recording: 'xerox', pages: {
    '/counters/usage.php': { file: 'xerox/usage-en.html' },
  }, expect: [/printColor\s+27,204 impressions\s+<- web:http:\/\/127\.0\.31\.\d+\/counters\/usage\.php/, /scan\s+14,768 scans\s+<- web:/] },
  { vendor: 'Canon', recording: 'canonprinter_lbp', pages: {
    '/rps/dcounter.cgi?CorePGTAG=14': { file: 'canon/dcounter.html' },
  }, expect: [/copy\s+21,874 impressions\s+<- web:http:\/\/127\.0\.31\.\d+\/rps\/dcounter\.cgi/] },
];

let fleet: Fleet;
const servers: TestServer[] = [];
let config: string;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test binds port 80 on 127.0.31.x and must run as root (CI does)');
  fleet = await startFleet('127.0.31', PORT, VENDORS.map((v) => v.recording));
  for (const v of VENDORS) servers.push(await startServer(fleet.address.get(v.recording)!, files(v.pages), { port: 80 }));
  // Brother's page is off by default (it only repeats the total); the recording has no total, so switch it on.
  config = join(mkdtempSync(join(tmpdir(), 'amr-webv-')), 'config.ini');
  writeFileSync(config, `[agent]\ncustomer = X\n[device.${fleet.address.get('brother')}]\nweb = true\n`);
});
afterAll(async () => {
  await fleet?.sim.stop();
  for (const s of servers) await s.close();
});

describe('amr read --explain shows web values for every covered vendor', () => {
  for (const v of VENDORS) {
    it(`${v.vendor} (${v.recording})`, async () => {
      const host = fleet.address.get(v.recording)!;
      const r = await amr(['read', host, '--port', String(PORT), '--explain', '--config', config]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const re of v.expect) expect(r.stdout).toMatch(re);
      const server = servers[VENDORS.indexOf(v)]!;
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((q) => q.method === 'GET')).toBe(true);
    });
  }
});
