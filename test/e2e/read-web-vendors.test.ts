/**
 * Every vendor with web pages, as a technician sees it: `amr read --explain` against a
 * real printer recording served by the simulator, with the vendor's page fixtures on
 * port 80 of the same loopback address. Each one shows counters that SNMP lacked,
 * marked with the page they came from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { parseSnmprec } from '../../src/snmp/snmprec.js';
import { files, startServer, type TestServer } from '../http-scrape/server.js';
import { tempConfig } from '../helpers/tmp.js';

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

// No Lexmark recording is public in shared/: a stub built for this test (identity only,
// no page counter in SNMP), enough for amr to know the vendor and model.
const LEXMARK = '127.0.31.50';
const LEXMARK_STUB = [
  '1.3.6.1.2.1.1.1.0|4|Lexmark E360dn version NR.APS.N436 kernel 2.6.10 All-N-1',
  '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.641.1.5.7.6.5',
  '1.3.6.1.2.1.1.3.0|67|123456',
  '1.3.6.1.2.1.1.5.0|4|lexmark-e360',
  '1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5',
  '1.3.6.1.2.1.25.3.2.1.3.1|4|Lexmark E360dn',
].join('\n');

let fleet: Fleet;
let lexmark: Simulator;
const servers: TestServer[] = [];
let lexmarkWeb: TestServer;
let config: string;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test binds port 80 on 127.0.31.x and must run as root (CI does)');
  fleet = await startFleet('127.0.31', PORT, VENDORS.map((v) => v.recording));
  for (const v of VENDORS) servers.push(await startServer(fleet.address.get(v.recording)!, files(v.pages), { port: 80 }));
  lexmark = await startSimulator({ devices: [{ address: LEXMARK, port: PORT, name: 'lexmark-stub', varbinds: parseSnmprec(LEXMARK_STUB) }] });
  lexmarkWeb = await startServer(LEXMARK, files({ '/cgi-bin/dynamic/printer/config/reports/deviceinfo.html': { file: 'lexmark/deviceinfo.html' } }), { port: 80 });
  // Brother's and Lexmark's pages are off by default (they only repeat the total); these
  // devices give no total by SNMP, so the dealer switches them on.
  config = tempConfig(`[agent]\ncustomer = X\n[device.${fleet.address.get('brother')}]\nweb = true\n[device.${LEXMARK}]\nweb = true\n`, 'amr-webv-').file;
});
afterAll(async () => {
  await fleet?.sim.stop();
  await lexmark?.stop();
  for (const s of [...servers, lexmarkWeb]) await s?.close();
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

  it('Lexmark (built identity stub)', async () => {
    const r = await amr(['read', LEXMARK, '--port', String(PORT), '--explain', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/total\s+23,456 impressions\s+<- web:http:\/\/127\.0\.31\.50\/cgi-bin\/dynamic\/printer\/config\/reports\/deviceinfo\.html/);
    expect(lexmarkWeb.requests.map((q) => q.method)).toEqual(['GET']);
  });
});
