/**
 * Hostile and broken printers, served for real on loopback: each gives one clear
 * per-device note, no crash, no invented value. Every request any test makes is GET.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { emptyReading, type Reading } from '../../src/reading/types.js';
import { mergeWeb, parseProfile, scrapeDevice } from '../../src/http-scrape/index.js';
import type { WebProfile } from '../../src/http-scrape/types.js';
import { startServer, type Handler, type TestServer } from './server.js';

const allMethods: string[] = [];
let server: TestServer | null = null;
afterEach(async () => {
  if (server) { allMethods.push(...server.requests.map((r) => r.method)); await server.close(); server = null; }
});
afterAll(() => {
  expect(allMethods.length).toBeGreaterThan(20);
  expect(new Set(allMethods)).toEqual(new Set(['GET']));
});

const PROFILE: WebProfile = parseProfile(JSON.stringify({
  name: 'test-printer', vendor: 'TestVendor', onByDefault: true, why: 'test', source: 'test',
  pages: [{ path: '/counters', format: 'html', values: [
    { counter: 'copy', selector: '#copy' },
    { counter: 'scan', label: '^Scans$' },
    { extra: 'faxSent', selector: '#fax' },
    { supply: { type: 'toner', color: 'black' }, selector: '#black' },
  ] }],
}), 'test-printer.json');

function reading(): Reading {
  const r = emptyReading('127.77.9.1');
  r.identity.vendor = 'TestVendor';
  r.counters.total = { value: 100, unit: 'impressions' };
  return r;
}

async function scrape(routes: Record<string, Handler>, extra: object = {}, tls = false) {
  server = await startServer('127.77.9.1', routes, { tls });
  const web = await scrapeDevice(reading(), { enabled: true, timeoutMs: 800, maxBytes: 64 * 1024, baseUrl: server.baseUrl, profiles: [PROFILE], ...extra });
  return { web, merged: mergeWeb(reading(), web) };
}

const html = (body: string): Handler => (_q, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(body); };
const GOOD = '<html><body><span id="copy">12</span><dt>Scans</dt><dd>34</dd><span id="fax">5</span><b id="black">40%</b></body></html>';

describe('bad printers', () => {
  it('a good page reads (baseline for the cases below)', async () => {
    const { web } = await scrape({ '/counters': html(GOOD) });
    expect(web.notes).toEqual([]);
    expect(web.values.map((v) => v.value)).toEqual([12, 34, 5, 40]);
  });

  it('404: page moved', async () => {
    const { web, merged } = await scrape({});
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringMatching(/\/counters: page not found \(HTTP 404\); firmware may have moved it$/)]);
    expect(merged.counters).toEqual({ total: { value: 100, unit: 'impressions' } });
    expect(merged.flags).toEqual([{ code: 'web-note', message: web.notes[0] }]);
  });

  it('401 login wall', async () => {
    const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(401, { 'www-authenticate': 'Basic realm="printer"' }); res.end(); } });
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringContaining('page asks for a login (HTTP 401); set [web] user and password')]);
  });

  it('credentials from config are sent (basic) and a refusal says so without echoing them', async () => {
    const { web } = await scrape({ '/counters': (q, res) => {
      if (q.headers.authorization === `Basic ${Buffer.from('admin:s3cret-pw').toString('base64')}`) html(GOOD)(q, res);
      else { res.writeHead(401, { 'www-authenticate': 'Basic realm="printer"' }); res.end(); }
    } }, { user: 'admin', password: 's3cret-pw' });
    expect(web.values.length).toBe(4);
    // Asked first without, then once with the credentials, after the printer's challenge.
    expect(server!.requests.map((r) => r.headers.authorization === undefined)).toEqual([true, false]);
    const bad = await scrapeDevice(reading(), { enabled: true, timeoutMs: 800, maxBytes: 65536, baseUrl: server!.baseUrl, profiles: [PROFILE], user: 'admin', password: 'wrong-pw' });
    expect(bad.notes).toEqual([expect.stringContaining('refused the configured [web] user/password')]);
    expect(JSON.stringify(bad)).not.toContain('wrong-pw');
  });

  it('the [web] password is never sent before a 401 challenge', async () => {
    await scrape({ '/counters': html(GOOD) }, { user: 'admin', password: 's3cret-pw' });
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('the [web] password is never sent to another host, even one a redirect names', async () => {
    const other = await startServer('127.77.9.2', { '/counters': (_q, res) => { res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }); res.end(); } });
    try {
      const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(302, { location: `${other.baseUrl}/counters` }); res.end(); } }, { user: 'admin', password: 's3cret-pw' });
      expect(web.notes).toEqual([expect.stringContaining('redirected to another host (127.77.9.2)')]);
      expect(other.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
      expect(server!.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('a challenge other than Basic gets no password and a note', async () => {
    const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(401, { 'www-authenticate': 'Digest realm="p", nonce="1"' }); res.end(); } }, { user: 'admin', password: 's3cret-pw' });
    expect(web.notes).toEqual([expect.stringContaining('page asks for Digest authentication, which amr does not do')]);
    expect(server!.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('redirect to a login form', async () => {
    const { web } = await scrape({
      '/counters': (_q, res) => { res.writeHead(302, { location: '/login.html?next=/counters' }); res.end(); },
      '/login.html?next=/counters': html('<form method="post"><input type="password" name="pw"></form>'),
    });
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringContaining('page redirects to a login form (/login.html)')]);
  });

  it('redirect loop', async () => {
    const { web } = await scrape({
      '/counters': (_q, res) => { res.writeHead(302, { location: '/a' }); res.end(); },
      '/a': (_q, res) => { res.writeHead(307, { location: '/counters' }); res.end(); },
    });
    expect(web.notes).toEqual([expect.stringContaining('redirect loop (more than 5 redirects)')]);
    expect(server!.requests.length).toBe(6);
  });

  it('redirect to another host is not followed', async () => {
    const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(301, { location: 'http://127.77.9.2:1/steal' }); res.end(); } });
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringContaining('redirected to another host (127.77.9.2); not followed')]);
  });

  it('a 10 MB page is cut off at the size limit', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const { web } = await scrape({ '/counters': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }); // no content-length: streamed
      let sent = 0;
      const more = () => { while (sent < 10 * 1024 * 1024) { sent += chunk.length; if (!res.write(chunk)) { res.once('drain', more); return; } } res.end(); };
      res.on('error', () => {});
      more();
    } });
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringContaining('over the 64 KB limit ([web] max_kb); stopped reading')]);
    expect(web.pages[0]!.bytes).toBeLessThan(10 * 1024 * 1024);
  });

  it('a declared 10 MB page is refused before reading', async () => {
    const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }); res.write('x'); } });
    expect(web.notes).toEqual([expect.stringContaining('page is 10240 KB, over the 64 KB limit')]);
  });

  it('a slow server times out with a note', async () => {
    const started = Date.now();
    const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(200); res.write('<html>'); /* never ends */ } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(web.values).toEqual([]);
    expect(web.notes).toEqual([expect.stringContaining('no complete answer within 800 ms ([web] timeout)')]);
  });

  it('connection refused', async () => {
    const web = await scrapeDevice(reading(), { enabled: true, timeoutMs: 800, maxBytes: 65536, baseUrl: 'http://127.77.9.3:9', profiles: [PROFILE] });
    expect(web.notes).toEqual([expect.stringContaining('refused the connection')]);
  });

  it('broken HTML still reads what is there and invents nothing', async () => {
    const { web } = await scrape({ '/counters': html('<html><body><span id="copy">12<dt>Scans</dt><dd>3<4</dd><span id="fax"></span><b id=black>') });
    expect(web.values.map((v) => [v.selector, v.value])).toEqual([]);
    expect(web.notes.join('\n')).toMatch(/counters.copy not taken: "12Scans3<4" is not a whole non-negative number/);
    expect(web.notes.join('\n')).toMatch(/extraCounters.faxSent not taken: "" is not a whole/);
  });

  it('a page with none of the values says so', async () => {
    const { web } = await scrape({ '/counters': html('<html><body><p>Willkommen</p></body></html>') });
    expect(web.notes).toEqual([expect.stringContaining('none of the expected values found (other firmware or language?)')]);
  });

  it('hostile content: scripts, huge, negative, NaN, exponent, decimal, over-100 percent', async () => {
    const page = `<html><head><script>document.getElementById('copy').innerText='999'; fetch('/x', {method:'POST'})</script></head>
      <body><span id="copy">1e9</span><dt>Scans</dt><dd>-5</dd><span id="fax">99999999999999999999</span><b id="black">250%</b>
      <script>var Scans = 7;</script></body></html>`;
    const { web, merged } = await scrape({ '/counters': html(page) });
    expect(web.values).toEqual([]);
    const notes = web.notes.join('\n');
    expect(notes).toContain('counters.copy not taken: "1e9" is not a whole non-negative number');
    expect(notes).toContain('counters.scan not taken: "-5" is not a whole non-negative number');
    expect(notes).toContain('extraCounters.faxSent not taken: "99999999999999999999" is implausibly large');
    expect(notes).toContain('supply black toner not taken: "250%" is not a percentage from 0 to 100');
    expect(merged.counters).toEqual({ total: { value: 100, unit: 'impressions' } });
    expect(merged.extraCounters).toEqual({});
    expect(merged.supplies).toEqual([]);
  });

  it.each(['NaN', '12.5', '1,23', 'Infinity', '0x10', '+5', '1 2'])('refuses %s as a counter', async (bad) => {
    const { web } = await scrape({ '/counters': html(`<span id="copy">${bad}</span>`) });
    expect(web.values).toEqual([]);
    expect(web.notes[0]).toContain('counters.copy not taken');
  });

  it('HTTPS with a self-signed certificate is accepted for the printer', async () => {
    const { web } = await scrape({ '/counters': html(GOOD) }, {}, true);
    expect(server!.baseUrl.startsWith('https://')).toBe(true);
    expect(web.notes).toEqual([]);
    expect(web.values.length).toBe(4);
  });

  it('http -> https redirect on the same printer is followed, still GET', async () => {
    const tlsServer = await startServer('127.77.9.1', { '/counters': html(GOOD) }, { tls: true });
    try {
      const { web } = await scrape({ '/counters': (_q, res) => { res.writeHead(308, { location: `${tlsServer.baseUrl}/counters` }); res.end(); } });
      expect(web.values.length).toBe(4);
      expect(tlsServer.requests.map((r) => r.method)).toEqual(['GET']);
    } finally {
      allMethods.push(...tlsServer.requests.map((r) => r.method));
      await tlsServer.close();
    }
  });
});
