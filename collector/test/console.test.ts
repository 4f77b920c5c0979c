/**
 * The console in a real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core): each role logs in and sees what it may, and not what it may
 * not. With AMR_SCREENSHOTS=DIR the main pages are saved there as PNG (docs/).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { message, post, reading } from './helpers/client.js';
import { sqliteBackend } from './helpers/backends.js';
import { deviceId, HOSTILE_MODEL, PASSWORDS, seedConsole, type World } from './helpers/console.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.AMR_SCREENSHOTS;

describe('the console in Chromium', () => {
  const backend = sqliteBackend();
  let c: Collector;
  let world: World;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: '127.3.7.3', log: false, staleHours: 24 });
    world = await seedConsole(c);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }).catch((err: Error) => { throw new Error(`cannot start Chromium at ${CHROMIUM} (apt-get install -y chromium): ${err.message.split('\n')[0]}`); });
  });
  afterAll(async () => {
    for (const x of contexts) await x.close().catch(() => undefined);
    await browser?.close();
    await c?.stop();
    await backend.cleanup();
  });

  /** A fresh browser profile (no cookies) logged in as `who`, in a time zone. */
  async function as(who: keyof typeof PASSWORDS, timezoneId = 'Europe/Oslo'): Promise<Page> {
    const ctx = await browser.newContext({ timezoneId, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(8000);
    contexts.push(ctx);
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    (page as Page & { dialogs: string[] }).dialogs = dialogs;
    await page.goto(`${c.url}/`);
    expect(page.url()).toContain('/login?next=%2F');
    await page.fill('input[name=username]', who);
    await page.fill('input[name=password]', PASSWORDS[who]);
    await Promise.all([page.waitForURL(`${c.url}/`), page.click('button[type=submit]')]);
    return page;
  }
  const shot = async (page: Page, name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const rows = async (page: Page, sel: string) => (await page.locator(`${sel} tbody tr`).allInnerTexts()).map((t) => t.split('\t'));

  it('shows nothing without logging in, and refuses a wrong password', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    for (const p of ['/', '/devices/1', '/billing', '/billing.csv?period=2025-03', '/agents', '/users']) {
      const res = await page.goto(`${c.url}${p}`);
      expect({ p, url: new URL(page.url()).pathname, status: res?.status() }).toEqual({ p, url: '/login', status: 200 });
      expect(await page.content()).not.toContain('A-100');
    }
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    expect(await page.locator('#login-error').innerText()).toBe('Wrong user name or password.');
    const api = await page.request.get(`${c.url}/api/v1/devices`);
    expect(api.status()).toBe(401);
  });

  it('admin: every customer, users, audit log, agents with enrol, rekey and revoke; times in the viewer\'s zone', async () => {
    const page = await as('admin', 'America/New_York');
    expect(await page.title()).toBe('Fleet · amr collector');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Fleet', 'Agents', 'Alerts', 'Notifications', 'Supplies', 'Billing', 'Users', 'Audit log']);
    expect((await rows(page, '#customers')).map((r) => r.slice(0, 3))).toEqual([['ACME-0001', '1', '7'], ['OTHER-0002', '1', '1']]);
    const a = (await rows(page, '#devices')).find((r) => r.includes('A-100'))!;
    expect(a[0]).toBe('ACME-0001');
    expect(a).toContain('14,900'); // thousands separators
    expect(a.join(' ')).toContain('2025-04-10 02:00'); // read 06:00 UTC, shown in New York (EDT)
    expect(a.join(' ')).toContain('! warning');
    expect(await page.locator('footer').innerText()).toBe('Times in America/New_York.');
    await shot(page, 'fleet');
    // Filters: low supplies, then a search.
    await page.check('input[name=low]');
    await Promise.all([page.waitForURL(/low=1/), page.click('#filters button[type=submit]')]);
    expect((await rows(page, '#devices')).map((r) => r[3])).toEqual(['A-100']);
    await page.goto(`${c.url}/?q=brother`);
    expect((await rows(page, '#devices')).map((r) => r[3])).toEqual(['D-9']);

    await page.click('nav >> text=Agents');
    expect((await rows(page, '#agents')).map((r) => r.slice(0, 2))).toEqual([['ACME-0001', 'acme-pc'], ['OTHER-0002', 'other-pc']]);
    await page.fill('#enroll input[name=customer]', 'NEW-0003');
    await page.fill('#enroll input[name=agent]', 'new-pc');
    await page.click('#enroll button');
    const snippet = await page.locator('#snippet').innerText();
    expect(snippet).toMatch(/customer = NEW-0003\nid = new-pc\n\n\[server\]\nurls = http:\/\/127\.3\.7\.3:\d+\nagent_key = [A-Za-z0-9_-]{43}\n/);
    await page.goto(`${c.url}/agents`);
    await shot(page, 'agents');
    // Revoke the other customer's agent: its next message is refused.
    page.once('dialog', (d) => void d.accept());
    await page.locator('#agents tr', { hasText: 'other-pc' }).locator('button', { hasText: 'Revoke' }).click();
    await page.waitForURL(`${c.url}/agents`);
    expect((await page.locator('#agents tr', { hasText: 'other-pc' }).innerText())).toContain('revoked');
    const refused = await post(c.url, world.other, message(world.other, [reading({ serial: 'F-1', readAt: new Date(), counters: { total: 1 } })]));
    expect(refused.status).toBe(401);
    // Rekey lets it in again with a new key only.
    await page.locator('#agents tr', { hasText: 'other-pc' }).locator('button', { hasText: 'Rekey' }).click();
    const key = /agent_key = (\S+)/.exec(await page.locator('#snippet').innerText())![1]!;
    expect(key).not.toBe(world.other.key);
    const agent = { ...world.other, key };
    expect((await post(c.url, agent, message(agent, [reading({ serial: 'F-1', mac: 'aa:bb:cc:00:00:0f', readAt: new Date(), counters: { total: 600 } })]))).status).toBe(200);

    await page.click('nav >> text=Users');
    expect((await rows(page, '#users')).map((r) => r.slice(0, 3))).toEqual([['acme', 'customer', 'ACME-0001'], ['admin', 'admin', ''], ['other', 'customer', 'OTHER-0002'], ['tech', 'technician', '']]);
    await page.fill('#add-user input[name=username]', 'newtech');
    await page.selectOption('#add-user select[name=role]', 'technician');
    await page.fill('#add-user input[name=password]', 'newtech-password-1');
    await Promise.all([page.waitForURL(`${c.url}/users`), page.click('#add-user button')]);
    expect(await page.locator('#users tr', { hasText: 'newtech' }).count()).toBe(1);
    await page.click('nav >> text=Audit log');
    const audit = (await rows(page, '#audit')).map((r) => `${r[1]} ${r[2]} ${r[3]}`);
    expect(audit.slice(0, 5)).toEqual(['admin user.add newtech', 'admin agent.rekey other-pc', 'admin agent.revoke other-pc', 'admin agent.enroll new-pc', 'admin login ']);
    expect(await page.locator('#audit').innerText()).not.toContain(key);
  });

  it('technician: every customer, acknowledges alerts, but no users, audit or agent actions', async () => {
    const page = await as('tech');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Fleet', 'Agents', 'Alerts', 'Notifications', 'Supplies', 'Billing']);
    expect((await rows(page, '#customers')).map((r) => r[0])).toEqual(['ACME-0001', 'NEW-0003', 'OTHER-0002']);
    for (const p of ['/users', '/audit']) expect((await page.goto(`${c.url}${p}`))?.status()).toBe(403);
    await page.goto(`${c.url}/agents`);
    expect(await page.locator('#agents button').count()).toBe(0);
    expect(await page.locator('#enroll').count()).toBe(0);
    // A forged POST (no CSRF token) is refused even for an admin action the role lacks, and for one it has.
    const forged = await page.request.post(`${c.url}/alerts/1.AAAAAAAAAAAAAAAA/ack`, { form: { next: '/' } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('CSRF');
    await page.click('nav >> text=Alerts');
    const alert = page.locator('#alerts tbody tr', { hasText: 'Front cover open' });
    expect(await alert.innerText()).toContain('✗ critical');
    await shot(page, 'alerts');
    await Promise.all([page.waitForURL(`${c.url}/alerts`), alert.locator('button', { hasText: 'Acknowledge' }).click()]);
    expect(await page.locator('#alerts tbody tr', { hasText: 'Front cover open' }).innerText()).toMatch(/tech, \d{4}-\d\d-\d\d \d\d:\d\d/);
    // Supplies to ship: marked shipped, it leaves the list.
    await page.click('nav >> text=Supplies');
    const cyan = page.locator('#to-ship tbody tr', { hasText: 'Cyan Toner' });
    expect(await cyan.innerText()).toContain('A-100');
    await shot(page, 'supplies');
    await Promise.all([page.waitForURL(`${c.url}/supplies`), cyan.locator('button', { hasText: 'Mark shipped' }).click()]);
    expect(await page.locator('#to-ship tbody tr', { hasText: 'Cyan Toner' }).count()).toBe(0);
    expect(await page.locator('#to-ship tbody tr', { hasText: 'Black Toner' }).count()).toBe(1);
  });

  it('customer: only its own devices, sites and bills; another customer\'s device is 404; read-only', async () => {
    const page = await as('acme');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Fleet', 'Agents', 'Alerts', 'Notifications', 'Supplies', 'Billing']);
    expect((await rows(page, '#customers')).map((r) => r[0])).toEqual(['ACME-0001']);
    const devices = await rows(page, '#devices');
    expect(devices).toHaveLength(7);
    expect(await page.locator('#devices').innerText()).not.toMatch(/OTHER-0002|F-1/);
    expect(await page.locator('#filters select[name=customer]').count()).toBe(0);
    // Asking for the other customer by URL changes nothing.
    await page.goto(`${c.url}/?customer=OTHER-0002`);
    expect(await rows(page, '#devices')).toHaveLength(7);
    const f = await deviceId(c, 'F-1');
    const res = await page.goto(`${c.url}/devices/${f}`);
    expect(res?.status()).toBe(404);
    expect(await page.content()).not.toContain('F-1');
    const nope = await page.goto(`${c.url}/devices/99999999`);
    expect({ status: nope?.status(), text: (await page.locator('main').innerText()).replace(/\s+/g, ' ') }).toEqual({ status: 404, text: 'Not found There is no such device. Back to the fleet' });
    for (const p of ['/users', '/audit']) expect((await page.goto(`${c.url}${p}`))?.status()).toBe(403);
    await page.goto(`${c.url}/agents`);
    expect((await rows(page, '#agents')).map((r) => r[0])).toEqual(['acme-pc']);
    expect(await page.locator('#agents button').count()).toBe(0);
    await page.goto(`${c.url}/alerts`);
    expect(await page.locator('#alerts button').count()).toBe(0);
    expect(await page.locator('#alerts tbody tr').innerText()).toContain('Front cover open');
    await page.goto(`${c.url}/supplies`);
    expect(await page.locator('#to-ship tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#to-ship button').count()).toBe(0);
    // The API with the session: the same rule.
    expect((await page.request.get(`${c.url}/api/v1/devices/${f}`)).status()).toBe(404);
    await expect((await page.request.get(`${c.url}/billing.csv?period=2025-03&customer=OTHER-0002`)).text()).resolves.not.toContain('F-1');
  });

  it('bills a period: a device never read in or near it shows "no data", exports CSV and JSON; an admin closes it', async () => {
    const page = await as('acme');
    await page.click('nav >> text=Billing');
    await page.fill('input[name=period]', '2025-03');
    await Promise.all([page.waitForURL(/period=2025-03/), page.click('#period-form button')]);
    expect(await page.locator('h2').allInnerTexts()).toEqual(['ACME-0001 · 2025-03']);
    const b = (await rows(page, '#bill-ACME-0001')).find((r) => r.includes('B-1') && r.includes('total'))!;
    expect(b.slice(2)).toEqual(['total', '5,000 (partial, 2025-03-15 13:00)', '5,800 (2025-03-31 14:00)', '800', 'partial']);
    const g = (await rows(page, '#bill-ACME-0001')).find((r) => r.includes('G-1'))!;
    expect(g.slice(3)).toEqual(['no data', 'no data', 'no data', 'no data']);
    expect(await page.locator('#bill-ACME-0001 tr', { hasText: 'G-1' }).locator('td.nodata').count()).toBe(3);
    expect(await page.locator('form[action="/billing/close"]').count()).toBe(0); // customers do not close bills
    await shot(page, 'billing');
    const csv = await (await page.request.get(new URL((await page.getAttribute('#csv', 'href'))!, page.url()).toString())).text();
    expect(csv).toContain('ACME-0001,2025-03,final,meter,Kyocera,ECOSYS P3145dn,B-1,aa:bb:cc:00:00:0b,total,impressions,2025-03-01T00:00:00.000Z,5000,');
    expect(csv).toMatch(/ACME-0001,2025-03,final,meter,Ricoh,MP C3003,G-1,aa:bb:cc:00:00:1a,,,2025-03-01T00:00:00.000Z,,,none,2025-04-01T00:00:00.000Z,,,none,,no data,/);
    expect(csv).not.toContain('F-1');
    const json = await (await page.request.get(new URL((await page.getAttribute('#json', 'href'))!, page.url()).toString())).json() as { rows: { serial: string; pages: number | null }[] }[];
    expect(json).toHaveLength(1);
    expect(json[0]!.rows.find((r) => r.serial === 'G-1')!.pages).toBeNull();

    const admin = await as('admin');
    await admin.goto(`${c.url}/billing?period=2025-03&customer=OTHER-0002`);
    await Promise.all([admin.waitForURL(/billing\?period=2025-03/), admin.click('form[action="/billing/close"] button')]);
    expect(await admin.locator('.bill-state').innerText()).toContain('closed (frozen)');
    await admin.goto(`${c.url}/audit`);
    expect(await admin.locator('#audit tbody tr').first().innerText()).toContain('billing.close');
  });

  it('draws the device page: identity, counters, supplies, alerts and three charts from the stored readings', async () => {
    const page = await as('tech');
    await page.goto(`${c.url}/devices/${await deviceId(c, 'A-100')}`);
    const ident = await page.locator('#identity').innerText();
    for (const s of ['HP', 'LaserJet M607', 'A-100', 'aa:bb:cc:00:00:0a', 'Floor 2', '2409', 'ACME-0001', 'acme-pc']) expect(ident).toContain(s);
    expect((await rows(page, '#counters')).map((r) => r.slice(0, 2))).toEqual([['color', '5,960'], ['mono', '8,940'], ['total', '14,900']]);
    expect((await rows(page, '#supplies')).map((r) => [r[0], r[3].trim(), r[4]])).toEqual([
      ['Black Toner', '4 %', '! low'], ['Cyan Toner', '0 %', '✗ empty'], ['Magenta Toner', '60 %', '✓ ok']]);
    expect(await page.locator('#open-alerts').innerText()).toContain('Front cover open');
    // Daily and monthly bars (mono solid, colour hatched) and one line per supply.
    const bars = async (id: string) => page.locator(`#${id} rect[fill="#444"]`).count();
    const hatched = async (id: string) => page.locator(`#${id} rect[fill="url(#hatch)"]`).count();
    expect(await bars('chart-daily')).toBeGreaterThan(0);
    expect(await hatched('chart-daily')).toBe(await bars('chart-daily')); // every day printed mono and colour
    expect(await page.locator('#chart-monthly rect[fill="#444"]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#chart-supplies polyline').count()).toBe(3);
    const dashes = await page.locator('#chart-supplies polyline').evaluateAll((ls) => ls.map((l) => l.getAttribute('stroke-dasharray')));
    expect(new Set(dashes).size).toBe(3); // told apart without colour
    expect((await page.locator('#chart-daily').boundingBox())!.height).toBeGreaterThan(100);
    // The monthly numbers: March 2025 = 31 days x (60 mono + 40 colour).
    const monthly = await page.locator('#data-monthly tbody tr').evaluateAll((trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => td.textContent)));
    expect(monthly.find((r) => r[0] === '2025-03')).toEqual(['2025-03', '1,860', '1,240']);
    await shot(page, 'device');
  });

  it('renders hostile agent data inert: no script runs, control and bidi characters shown as \\uXXXX', async () => {
    const page = await as('admin');
    const dialogs = (page as Page & { dialogs: string[] }).dialogs;
    await page.goto(`${c.url}/?q=H-1`);
    expect(await page.locator('#devices').innerText()).toContain(HOSTILE_MODEL);
    await page.goto(`${c.url}/devices/${await deviceId(c, 'H-1')}`);
    expect(await page.locator('h1').innerText()).toBe(`Evil"Corp ${HOSTILE_MODEL} H-1`);
    expect(await page.locator('#identity').innerText()).toContain('Floor\\u001b[31m 2\\u202eevil\\u0007');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1); // ours, from /static
    expect(await page.locator('#counters').innerText()).toContain('1,234,567');
    expect(dialogs).toEqual([]);
  });

  it('logs out: the session is gone on the server', async () => {
    const page = await as('tech');
    const cookie = (await page.context().cookies()).find((k) => k.name === 'amr_session')!;
    expect({ httpOnly: cookie.httpOnly, sameSite: cookie.sameSite }).toEqual({ httpOnly: true, sameSite: 'Lax' });
    await Promise.all([page.waitForURL(/\/login$/), page.click('#logout')]);
    const replay = await fetch(`${c.url}/`, { headers: { Cookie: `amr_session=${cookie.value}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
  });
});
