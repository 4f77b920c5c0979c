/**
 * `amr read --explain` as a technician runs it, with SNMP from the simulator and the
 * printer's own web pages from a loopback web server on port 80 of the same address:
 * the counters SNMP lacks come from the pages, each shown with its page and selector.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { files } from '../http-scrape/server.js';
import { tempConfig } from '../helpers/tmp.js';

const PORT = 16167;
let fleet: Fleet;
let web: { close(): Promise<void>; requests: string[] };

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test binds port 80 on 127.0.29.1 and must run as root (CI does)');
  fleet = await startFleet('127.0.29', PORT, ['pm_kyocera_p2040']);
  const routes = files({
    '/js/jssrc/model/dvcinfo/dvccounter/DvcInfo_Counter_PrnCounter.model.htm': { file: 'kyocera/DvcInfo_Counter_PrnCounter.model.htm', type: 'text/javascript' },
    '/js/jssrc/model/dvcinfo/dvccounter/DvcInfo_Counter_ScanCounter.model.htm': { file: 'kyocera/DvcInfo_Counter_ScanCounter.model.htm', type: 'text/javascript' },
  });
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const h = routes[req.url ?? ''];
    if (h) h(req, res);
    else { res.writeHead(404); res.end(); }
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(80, '127.0.29.1', resolve); });
  web = { requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
});
afterAll(async () => {
  await fleet?.sim.stop();
  await web?.close();
});

describe('amr read with web pages', () => {
  it('fills counters SNMP lacks from the Kyocera Command Center pages, visible in --explain', async () => {
    const r = await amr(['read', '127.0.29.1', '--port', String(PORT), '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/printMono\s+[\d,]+ \S+\s+<- web:http:\/\/127\.0\.29\.1\/js\/jssrc\/model\/dvcinfo\/dvccounter\/DvcInfo_Counter_PrnCounter\.model\.htm/);
    expect(r.stdout).toMatch(/scan\s+[\d,]+ scans\s+<- web:/);
    // SNMP stays first: the total is still prtMarkerLifeCount.
    expect(r.stdout).toMatch(/total\s+7,432 impressions\s+<- 1\.3\.6\.1\.2\.1\.43\.10\.2\.1\.4\.1\.1/);
    expect(web.requests.every((x) => x.startsWith('GET '))).toBe(true);
    expect(web.requests.length).toBeGreaterThan(0);
  });

  it('--no-web reads SNMP only: no page is asked for', async () => {
    const before = web.requests.length;
    const r = await amr(['read', '127.0.29.1', '--port', String(PORT), '--json', '--no-web']);
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout);
    expect(reading.counters.total.value).toBe(7432);
    expect(reading.counters.printMono).toBeUndefined();
    expect(web.requests.length).toBe(before);
  });

  it('[device.X] web = false reads no page', async () => {
    const { file } = tempConfig('[agent]\ncustomer = X\n[device.127.0.29.1]\nweb = false\n', 'amr-web-');
    const before = web.requests.length;
    const r = await amr(['read', '127.0.29.1', '--port', String(PORT), '--json', '--config', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counters.printMono).toBeUndefined();
    expect(web.requests.length).toBe(before);
  });
});
