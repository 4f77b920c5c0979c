/**
 * Each covered vendor: a real loopback web server serves the saved (or built) pages,
 * scrapeDevice reads them, mergeWeb fills what a Reading with only the SNMP total lacked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { emptyReading, type Reading } from '../../src/reading/types.js';
import { mergeWeb, scrapeDevice } from '../../src/http-scrape/index.js';
import { files, startServer, type TestServer } from './server.js';

let server: TestServer | null = null;
afterEach(async () => { await server?.close(); server = null; });

function snmpReading(vendor: string, model: string, total: number | null): Reading {
  const r = emptyReading('127.77.8.1');
  r.identity.vendor = vendor;
  r.identity.model = model;
  if (total !== null) {
    r.counters.total = { value: total, unit: 'impressions' };
    r.sources['counters.total'] = '1.3.6.1.2.1.43.10.2.1.4.1.1';
  }
  return r;
}

const opts = (baseUrl: string) => ({ enabled: true, timeoutMs: 3000, maxBytes: 2048 * 1024, baseUrl });

describe('HP', () => {
  it('LEDM XML fills mono/colour/duplex and exact toner levels', async () => {
    server = await startServer('127.77.8.1', files({
      '/DevMgmt/ProductUsageDyn.xml': { file: 'hp/ProductUsageDyn.xml', type: 'text/xml' },
      '/DevMgmt/ConsumableConfigDyn.xml': { file: 'hp/ConsumableConfigDyn.xml', type: 'text/xml' },
    }));
    const reading = snmpReading('HP', 'Color LaserJet Pro M255dw', 1344);
    reading.supplies.push({ hrDeviceIndex: 1, index: 1, description: 'Black Cartridge', type: 'toner', class: 'consumed', color: 'black', unit: 'percent', max: 100, level: 20, levelPercent: 20, state: 'ok' });
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.profile).toBe('hp-ews');
    expect(web.notes).toEqual([]);
    const merged = mergeWeb(reading, web);
    expect(merged.counters).toEqual({
      total: { value: 1344, unit: 'impressions' },
      mono: { value: 452, unit: 'impressions' },
      color: { value: 892, unit: 'impressions' },
      duplex: { value: 408, unit: 'sheets' },
    });
    expect(merged.sources['counters.total']).toBe('1.3.6.1.2.1.43.10.2.1.4.1.1');
    expect(merged.sources['counters.mono']).toBe(`web:${server.baseUrl}/DevMgmt/ProductUsageDyn.xml PrinterSubunit > MonochromeImpressions`);
    // black from SNMP stays (same value); cyan, magenta, yellow come from the page
    expect(merged.supplies.map((s) => [s.color, s.levelPercent])).toEqual([['black', 20], ['cyan', 30], ['magenta', 50], ['yellow', 40]]);
    expect(merged.flags).toEqual([]);
    // the usage page is an older-generation fallback: not fetched when LEDM answered
    expect(server.requests.map((r) => r.url)).not.toContain('/hp/device/InternalPages/Index?id=UsagePage');
  });

  it('FutureSmart usage page fills print/copy when LEDM is absent; disagreement with SNMP is flagged, both kept', async () => {
    server = await startServer('127.77.8.2', files({
      '/hp/device/InternalPages/Index?id=UsagePage': { file: 'hp/UsagePage.html' },
    }));
    const reading = snmpReading('HP', 'LaserJet M577', 86000);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]); // the missing LEDM pages are optional
    const merged = mergeWeb(reading, web);
    expect(merged.counters.print).toEqual({ value: 81611, unit: 'impressions' });
    expect(merged.counters.copy).toEqual({ value: 4400, unit: 'impressions' });
    expect(merged.counters.mono?.value).toBe(64310);
    expect(merged.counters.total?.value).toBe(86000);
    expect(merged.extraCounters['web.total']?.value).toBe(86011);
    expect(merged.flags).toEqual([expect.objectContaining({ code: 'web-disagrees', path: 'counters.total' })]);
    expect(merged.flags[0]!.message).toContain('SNMP says 86000, web page says 86011');
    expect(merged.identity.serial).toBe('CNB9K12345');
  });
});

describe('Kyocera', () => {
  it('Command Center JavaScript models fill print/copy/fax/scan', async () => {
    server = await startServer('127.77.8.3', files({
      '/js/jssrc/model/dvcinfo/dvccounter/DvcInfo_Counter_PrnCounter.model.htm': { file: 'kyocera/DvcInfo_Counter_PrnCounter.model.htm', type: 'text/javascript' },
      '/js/jssrc/model/dvcinfo/dvccounter/DvcInfo_Counter_ScanCounter.model.htm': { file: 'kyocera/DvcInfo_Counter_ScanCounter.model.htm', type: 'text/javascript' },
    }));
    const reading = snmpReading('Kyocera', 'ECOSYS P2040dn', 50043);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]);
    const m = mergeWeb(reading, web);
    expect(m.counters.printMono?.value).toBe(48211);
    expect(m.counters.copyMono?.value).toBe(1520);
    expect(m.counters.fax?.value).toBe(312);
    expect(m.counters.scan).toEqual({ value: 3734, unit: 'scans' });
    expect(m.extraCounters.scanOther?.value).toBe(2204);
    expect(m.counters.total?.value).toBe(50043);
    // the pages insist on the cookie and a same-printer referer
    const req = server.requests[0]!;
    expect(req.headers.cookie).toBe('rtl=0; css=0');
    expect(req.headers.referer).toBe(`${server.baseUrl}/dvcinfo/dvccounter/DvcInfo_Counter_PrnCounter.htm`);
  });
});

describe('Brother', () => {
  it('is off by default (the page only repeats the total); [device.X] web=true reads it', async () => {
    server = await startServer('127.77.8.4', files({ '/general/information.html?kind=item': { file: 'brother/information.html' } }));
    const reading = snmpReading('Brother', 'MFC-L2710DW series', null);
    const off = await scrapeDevice(reading, opts(server.baseUrl));
    expect(off.values).toEqual([]);
    expect(server.requests).toEqual([]);
    const on = await scrapeDevice(reading, { ...opts(server.baseUrl), deviceWeb: true });
    const m = mergeWeb(reading, on);
    expect(m.counters.total).toEqual({ value: 10457, unit: 'impressions' });
    expect(m.sources['counters.total']).toMatch(/^web:http:\/\/127\.77\.8\.4:\d+\/general\/information\.html\?kind=item label/);
  });
});

describe('Epson', () => {
  it('usage page and ink bars fill the split counters and ink levels', async () => {
    server = await startServer('127.77.8.5', files({
      '/PRESENTATION/ADVANCED/INFO_MENTINFO/TOP': { file: 'epson/MENTINFO-TOP.html' },
      '/PRESENTATION/HTML/TOP/PRTINFO.HTML': { file: 'epson/WF-7720-PRTINFO.html' },
    }));
    const reading = snmpReading('Epson', 'ET-4950 Series', 1250);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]);
    const m = mergeWeb(reading, web);
    expect(m.counters).toMatchObject({
      total: { value: 1250 }, mono: { value: 993, unit: 'pages' }, color: { value: 257 }, duplex: { value: 1069 },
      copyMono: { value: 5 }, copyColor: { value: 0 }, printMono: { value: 986 }, printColor: { value: 257 },
      fax: { value: 0 }, scan: { value: 5, unit: 'scans' },
    });
    expect(m.flags).toEqual([]);
    expect(m.supplies.map((s) => [s.color, s.type, s.levelPercent])).toEqual([
      ['black', 'ink', 96], ['cyan', 'ink', 64], ['magenta', 'ink', 88], ['yellow', 'ink', 76],
      [null, 'wasteInk', 12],
    ]);
    // The maintenance box bar (44 px of 50) is its service life left: 88 % of the space
    // remains, so the receptacle is 12 % full, as RFC 3805 receptacles are reported.
    expect(m.supplies[4]).toMatchObject({ class: 'receptacle', state: 'ok', level: 88 });
  });

  it('the saved Dutch usage page (XP-4200) is read with the same rules', async () => {
    server = await startServer('127.77.8.18', files({ '/PRESENTATION/ADVANCED/INFO_MENTINFO/TOP': { file: 'epson/MENTINFO-TOP-dutch.html' } }));
    const reading = snmpReading('Epson', 'XP-4200 Series', null);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]);
    expect(mergeWeb(reading, web).counters).toEqual({
      total: { value: 10, unit: 'pages' }, mono: { value: 2, unit: 'pages' }, color: { value: 8, unit: 'pages' },
      duplex: { value: 0, unit: 'pages' }, copyMono: { value: 0, unit: 'pages' }, copyColor: { value: 0, unit: 'pages' },
      printMono: { value: 0, unit: 'pages' }, printColor: { value: 4, unit: 'pages' },
      fax: { value: 0, unit: 'pages' }, scan: { value: 0, unit: 'scans' },
    });
  });
});

describe('Samsung', () => {
  it('SyncThru counters and home JSON (JavaScript objects) fill function counters and toner', async () => {
    server = await startServer('127.77.8.6', files({
      '/sws/app/information/counters/counters.json': { file: 'samsung/counters.json', type: 'application/json' },
      '/sws/app/information/home/home.json': { file: 'samsung/home.json', type: 'application/json' },
    }));
    const reading = snmpReading('Samsung', 'M2070 Series', 1391);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]);
    const m = mergeWeb(reading, web);
    expect(m.counters).toMatchObject({ total: { value: 1391 }, print: { value: 1337 }, copy: { value: 42 }, fax: { value: 7 }, scan: { value: 88, unit: 'scans' } });
    expect(m.extraCounters.reports?.value).toBe(5);
    expect(m.supplies.map((s) => [s.color, s.type, s.levelPercent])).toEqual([['black', 'toner', 58]]);
    expect(m.identity.serial).toBe('ZFAYB8KGGGG1GZP');
  });

  it('reads the saved pysyncthru counters page as published (two keys)', async () => {
    server = await startServer('127.77.8.7', files({
      '/sws/app/information/counters/counters.json': { file: 'samsung/counters-pysyncthru.json' },
    }));
    const web = await scrapeDevice(snmpReading('Samsung', 'C430W', 2000), opts(server.baseUrl));
    expect(web.values.map((v) => [v.target.kind === 'counter' ? v.target.key : '', v.value])).toEqual([['print', 1337], ['copy', 42]]);
  });
});

describe('Ricoh', () => {
  it('Web Image Monitor counter page fills copier/printer/fax/scanner counts by section', async () => {
    server = await startServer('127.77.8.8', files({ '/web/guest/en/websys/status/getUnificationCounter.cgi': { file: 'ricoh/getUnificationCounter.html' } }));
    const reading = snmpReading('Ricoh', 'MP C3002', 152340);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]);
    const m = mergeWeb(reading, web);
    expect(m.counters).toMatchObject({
      total: { value: 152340 }, copyMono: { value: 40100 }, copyColor: { value: 12050 },
      printMono: { value: 80010 }, printColor: { value: 20150 }, fax: { value: 30 }, scan: { value: 6700 },
    });
    expect(m.flags).toEqual([]);
  });
});

describe('Lexmark', () => {
  it('device information page gives the page count where SNMP had none (when switched on)', async () => {
    server = await startServer('127.77.8.9', files({ '/cgi-bin/dynamic/printer/config/reports/deviceinfo.html': { file: 'lexmark/deviceinfo.html' } }));
    const reading = snmpReading('Lexmark', 'E360dn', null);
    const web = await scrapeDevice(reading, { ...opts(server.baseUrl), deviceWeb: true });
    const m = mergeWeb(reading, web);
    expect(m.counters.total).toEqual({ value: 23456, unit: 'impressions' });
  });
});

describe('Xerox', () => {
  it('Usage Counters page (English) fills black/colour, copied/printed, large, fax and images sent', async () => {
    server = await startServer('127.77.8.12', files({ '/counters/usage.php': { file: 'xerox/usage-en.html' } }));
    const reading = snmpReading('Xerox', 'WorkCentre 7855', 128406);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.profile).toBe('xerox-ews-usage');
    expect(web.notes).toEqual([]);
    const m = mergeWeb(reading, web);
    const v = (k: keyof typeof m.counters) => m.counters[k]?.value;
    expect([v('total'), v('mono'), v('color')]).toEqual([128406, 97115, 31291]);
    expect([v('copyMono'), v('printMono'), v('copyColor'), v('printColor')]).toEqual([21904, 75211, 4087, 27204]);
    expect([v('copy'), v('print')]).toEqual([21904 + 4087, 75211 + 27204]);
    expect(v('large')).toBe(2318); // "Large Impressions", not "Black Large Impressions" or "Color Large Impressions"
    expect(v('fax')).toBe(3390);
    expect(m.counters.scan).toEqual({ value: 12655 + 2113, unit: 'scans' });
    expect(m.extraCounters.emailImagesSent).toEqual({ value: 12655, unit: 'scans' });
    expect(m.flags).toEqual([]); // the page's total agrees with SNMP's
    expect(m.sources['counters.printColor']).toBe(`web:${server.baseUrl}/counters/usage.php label /^(Colou?r Printed Impressions|Antall utskrevne fargetrykk)$/`);
  });

  it('the saved AltaLink page (Norwegian interface) is read the same way', async () => {
    server = await startServer('127.77.8.13', files({ '/counters/usage.php': { file: 'xerox/usage-nb.html' } }));
    const reading = snmpReading('Xerox', 'AltaLink C8055', 556284);
    const m = mergeWeb(reading, await scrapeDevice(reading, opts(server.baseUrl)));
    const v = (k: keyof typeof m.counters) => m.counters[k]?.value;
    expect([v('mono'), v('color'), v('copyMono'), v('printMono'), v('copyColor'), v('printColor')])
      .toEqual([401239, 155045, 67287, 333952, 22384, 132661]);
    expect(v('large')).toBe(6323); // the section row, before its black (1762) and colour (4561) rows
    expect(m.extraCounters.emailImagesSent?.value).toBe(19717);
    expect(m.counters.fax).toBeUndefined(); // the page has no fax-impressions row
    expect(m.flags).toEqual([]);
  });

  it('a page in a language the rules do not know gives a note, not a wrong value', async () => {
    server = await startServer('127.77.8.14', { '/counters/usage.php': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<table class="tableDiv"><tr class="odd"><td>Impressions totales</td><td>100</td></tr></table>');
    } });
    const reading = snmpReading('Xerox', 'AltaLink C8055', 100);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringMatching(/none of the expected values found/)]);
  });
});

describe('Canon', () => {
  it('Check Counter page on imageRUNNER ADVANCE (/rps/) fills mono, colour, copy, print and scan by counter id', async () => {
    server = await startServer('127.77.8.15', files({ '/rps/dcounter.cgi?CorePGTAG=14': { file: 'canon/dcounter.html' } }));
    const reading = snmpReading('Canon', 'iR-ADV C5235', 67911);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.profile).toBe('canon-remote-ui-counters');
    expect(web.notes).toEqual([]);
    const m = mergeWeb(reading, web);
    expect(m.counters).toEqual({
      total: { value: 67911, unit: 'impressions' },
      mono: { value: 24653, unit: 'impressions' },
      color: { value: 1107 + 42151, unit: 'impressions' },
      copy: { value: 21874, unit: 'impressions' },
      print: { value: 46037, unit: 'impressions' },
      scan: { value: 9342, unit: 'scans' },
    });
    expect(m.flags).toEqual([]);
    // The older page is only asked for when the ADVANCE one gave nothing.
    expect(server.requests.map((r) => r.url)).toEqual(['/rps/dcounter.cgi?CorePGTAG=14']);
  });

  it('older imageRUNNER: the /rps/ page is absent (404, no note), /dcounter.cgi is read', async () => {
    server = await startServer('127.77.8.16', files({ '/dcounter.cgi': { file: 'canon/dcounter.html' } }));
    const reading = snmpReading('Canon', 'iR C3200', null);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.notes).toEqual([]);
    expect(mergeWeb(reading, web).counters.total).toEqual({ value: 67911, unit: 'impressions' });
    expect(server.requests.map((r) => r.url)).toEqual(['/rps/dcounter.cgi?CorePGTAG=14', '/dcounter.cgi']);
  });

  it('a device that wants a login gives a note and no value', async () => {
    server = await startServer('127.77.8.17', {
      '/rps/dcounter.cgi?CorePGTAG=14': (_req, res) => { res.writeHead(302, { location: '/login.html' }); res.end(); },
      '/login.html': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<form method="post" action="/login"><input name="deptid"><input type="password" name="password"></form>');
      },
    });
    const reading = snmpReading('Canon', 'iR-ADV C5235', 67911);
    const web = await scrapeDevice(reading, opts(server.baseUrl));
    expect(web.values).toEqual([]);
    expect(web.notes.join('\n')).toMatch(/login form/);
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('switches', () => {
  it('[web] enabled=false and [device.X] web=false turn reading off; no request is made', async () => {
    server = await startServer('127.77.8.10', files({ '/web/guest/en/websys/status/getUnificationCounter.cgi': { file: 'ricoh/getUnificationCounter.html' } }));
    const reading = snmpReading('Ricoh', 'MP C3002', 1);
    expect((await scrapeDevice(reading, { ...opts(server.baseUrl), enabled: false })).values).toEqual([]);
    expect((await scrapeDevice(reading, { ...opts(server.baseUrl), deviceWeb: false })).values).toEqual([]);
    expect(server.requests).toEqual([]);
    // the device switch overrides the site switch
    expect((await scrapeDevice(reading, { ...opts(server.baseUrl), enabled: false, deviceWeb: true })).values.length).toBeGreaterThan(0);
  });

  it('a page whose every value SNMP already gave is not asked for', async () => {
    server = await startServer('127.77.8.19', files({ '/cgi-bin/dynamic/printer/config/reports/deviceinfo.html': { file: 'lexmark/deviceinfo.html' } }));
    const covered = await scrapeDevice(snmpReading('Lexmark', 'E360dn', 23456), { ...opts(server.baseUrl), deviceWeb: true });
    expect(covered).toMatchObject({ values: [], notes: [], pages: [] });
    expect(server.requests).toEqual([]);
    // without the SNMP total the same page is read
    const missing = await scrapeDevice(snmpReading('Lexmark', 'E360dn', null), { ...opts(server.baseUrl), deviceWeb: true });
    expect(missing.values.length).toBe(1);
    expect(server.requests.length).toBe(1);
  });

  it('a vendor without a web profile is left alone', async () => {
    const web = await scrapeDevice(snmpReading('Oki', 'C332', 5), opts('http://127.77.8.11:9'));
    expect(web).toMatchObject({ profile: null, values: [], notes: [], pages: [] });
  });
});
