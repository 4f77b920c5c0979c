/**
 * The dealer pages in a real headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core): what a dealer sees must match the reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { sendFleet } from './helpers/fleet.js';

const CHROMIUM = '/usr/bin/chromium';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

describe('dealer web pages', () => {
  let c: Collector;
  let browser: BrowserContext; // a persistent context on a fresh, empty profile
  let profile: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amr-web-'));
    c = await startCollector({ db: `sqlite:${join(dir, 'c.db')}`, host: '127.3.7.3', log: false, staleHours: 24 });
    const acme = await c.enroll('ACME-0001', 'acme-pc');
    const other = await c.enroll('OTHER-0002', 'other-pc');
    await sendFleet(c.url, { ...acme, customer: 'ACME-0001' }, { ...other, customer: 'OTHER-0002' });
    profile = mkdtempSync(join(tmpdir(), 'amr-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    }).then((b) => { b.setDefaultTimeout(5000); return b; }, (err: Error) => {
      throw new Error(`cannot start Chromium at ${CHROMIUM} (apt-get install -y chromium): ${err.message.split('\n')[0]}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await c?.stop();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the fleet', async () => {
    const page = await browser.newPage();
    await page.goto(`${c.url}/`);
    expect(await page.title()).toBe('Fleet · amr collector');
    const customers = await page.locator('#customers tbody tr').allInnerTexts();
    expect(customers.map((t) => t.split('\t').slice(0, 3))).toEqual([['ACME-0001', '1', '5'], ['OTHER-0002', '1', '1']]);
    const a = page.locator('#devices tbody tr', { hasText: 'A-100' });
    await expect.poll(() => a.count()).toBe(1);
    expect(await a.innerText()).toContain('14900');
    expect(await a.innerText()).toContain('warning');
    await page.close();
  });

  it('shows meter reads for a month with estimates marked, and links the CSV', async () => {
    const page = await browser.newPage();
    await page.goto(`${c.url}/`);
    await page.click('nav >> text=Meter reads');
    await page.fill('input[name=period]', '2025-03');
    await page.fill('input[name=customer]', 'ACME-0001');
    await Promise.all([page.waitForURL(/period=2025-03/), page.click('button')]);
    const b = page.locator('#meters tbody tr', { hasText: 'B-1' });
    const cells = await b.locator('td').allInnerTexts();
    expect(cells.slice(3)).toEqual(['total', '5000 (partial, 2025-03-15T12:00)', '5800 (2025-03-31T12:00)', '800', 'partial']);
    expect(await b.locator('td.estimated').count()).toBe(0);
    const e = page.locator('#meters tbody tr', { hasText: 'E-5' });
    expect(await e.locator('td.estimated').count()).toBe(3); // start, end and pages interpolated
    const aTotal = page.locator('#meters tbody tr', { hasText: 'A-100' }).first();
    expect(await aTotal.locator('td.estimated').count()).toBe(0);
    expect(await page.locator('#meters tbody tr', { hasText: 'F-1' }).count()).toBe(0);
    const href = await page.getAttribute('#csv', 'href');
    const csv = await get(new URL(href!, page.url()).toString());
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(',B-1,aa:bb:cc:00:00:0b,total,impressions,2025-03-01T00:00:00.000Z,5000,2025-03-15T12:00:00.000Z,partial,');
    await page.close();
  });

  it('shows supplies, alerts, stale devices and counters that went backwards', async () => {
    const page = await browser.newPage();
    await page.goto(`${c.url}/supplies?days=100000`);
    const sup = await page.locator('#supplies tbody tr').allInnerTexts();
    expect(sup.map((t) => t.split('\t').slice(3, 7))).toEqual([['Cyan Toner', 'cyan', '0', 'empty'], ['Black Toner', 'black', '4', 'low']]);
    expect(await page.locator('#alerts tbody tr').innerText()).toContain('Front cover open');
    expect(await page.locator('#backwards tbody tr').innerText()).toContain('90290');
    // The fleet's reads are from 2025: every device is stale today.
    expect(await page.locator('#stale tbody tr', { hasText: 'device' }).count()).toBe(6);
    await page.screenshot({ path: join(dir, 'supplies.png') });
    await page.close();
  });

  it('refuses to write, and asks for the view token when one is set', async () => {
    const post = await new Promise<number>((resolve, reject) => {
      request(`${c.url}/meters`, { method: 'POST' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
    });
    expect(post).toBe(405);
    const guarded = await startCollector({ db: c.db, host: '127.3.7.3', log: false, viewToken: 'dealer-secret' });
    try {
      expect((await get(`${guarded.url}/`)).status).toBe(401);
      expect((await get(`${guarded.url}/`, { Authorization: `Basic ${Buffer.from('x:wrong').toString('base64')}` })).status).toBe(401);
      const ok = await get(`${guarded.url}/supplies`, { Authorization: `Basic ${Buffer.from('dealer:dealer-secret').toString('base64')}` });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('Cyan Toner');
    } finally {
      await guarded.stop();
    }
  });
});
