/**
 * `[proxy] url = system` with a PAC file, against a real squid with basic
 * authentication on loopback: the PAC (served over HTTP on loopback) sends the
 * collector's traffic through squid and another collector DIRECT. The Windows
 * sources (Internet Options "Use setup script", WPAD) pick the same PAC; the WPAD
 * name is answered by an injected resolver, so no DNS server is ever asked.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { flushSpool, openTransport, spoolMessage } from '../../src/transport/deliver.js';
import { diagnose } from '../../src/transport/diagnose.js';
import { readJournal } from '../../src/transport/journal.js';
import { clearProxyCache, explainProxy } from '../../src/transport/proxy.js';
import { FLAG, type WindowsProxySources } from '../../src/platform/windows-proxy.js';
import { makePki, type Pki } from './helpers/pki.js';
import { AGENT_ID, AGENT_KEY, makeConfig } from './helpers/config.js';
import { startCollector, type Collector } from './helpers/collector.js';
import { need, proxyDir, runSquid, type RunningProxy } from './helpers/proxies.js';
import { sampleReading } from './helpers/readings.js';
import { tempDir } from '../helpers/tmp.js';

const VIA_SQUID = '127.77.3.10';
const DIRECT = '127.77.3.11';
const SQUID = '127.77.3.20';
const PAC_HOST = '127.77.3.30';
const USER = 'pacuser';
const PASS = 'pac-Pr0xy-s3cret';
const DOMAIN = 'amr-test.example';

let pki: Pki;
let proxied: Collector;
let direct: Collector;
let squid: RunningProxy;
let squidDir: string;
let pacServer: Server;
let wpadServer: Server;
let pacUrl: string;
const pacRequests: string[] = [];
const dirs: string[] = [];

function pacScript(): string {
  return `function FindProxyForURL(url, host) {
  if (isInNet(host, "${DIRECT}", "255.255.255.255")) return "DIRECT";
  if (host == "${VIA_SQUID}") return "SOCKS5 127.0.0.1:1080; PROXY ${SQUID}:${squid.port}; DIRECT";
  return "DIRECT";
}`;
}

function servePac(host: string, port: number): Promise<Server> {
  const srv = createServer((req, res) => {
    pacRequests.push(`${req.headers.host}${req.url}`);
    if (req.url === '/proxy.pac' || req.url === '/wpad.dat') {
      res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
      res.end(pacScript());
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((r) => srv.listen(port, host, () => r(srv)));
}

beforeAll(async () => {
  const pkiDir = tempDir('amr-pki-pac-');
  dirs.push(pkiDir);
  pki = makePki(pkiDir, VIA_SQUID);
  proxied = await startCollector({ host: VIA_SQUID, key: AGENT_KEY, agentId: AGENT_ID, tls: pki.good });
  direct = await startCollector({ host: DIRECT, key: AGENT_KEY, agentId: AGENT_ID });
  squidDir = proxyDir();
  dirs.push(squidDir);
  execFileSync(need('htpasswd', 'apache2-utils'), ['-bc', join(squidDir, 'passwd'), USER, PASS], { stdio: 'ignore' });
  chmodSync(join(squidDir, 'passwd'), 0o644);
  squid = await runSquid(need('squid', 'squid'), squidDir, SQUID, 31300 + (process.pid % 500), [
    `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${squidDir}/passwd`,
    'auth_param basic realm amr-test',
  ], true);
  pacServer = await servePac(PAC_HOST, 8081);
  wpadServer = await servePac(PAC_HOST, 80);
  pacUrl = `http://${PAC_HOST}:8081/proxy.pac`;
});

afterAll(async () => {
  await Promise.all([proxied?.close(), direct?.close(), squid?.stop()]);
  await Promise.all([pacServer, wpadServer].map((s) => s && new Promise((r) => s.close(r))));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const accessLog = () => (existsSync(join(squidDir, 'access.log')) ? readFileSync(join(squidDir, 'access.log'), 'utf8') : '');

function cfg(server: string, proxy: Record<string, string>, extra: Record<string, string | boolean> = {}) {
  const c = makeConfig({ server: { urls: server, ca_file: pki.caFile, timeout: '5s', ...extra }, proxy });
  dirs.push(c.agent.data_dir);
  return c;
}

/** Only the names the tests expect are "resolved", by this function; anything else fails. */
function lookupOnly(names: Record<string, string>, asked: string[]) {
  return async (host: string) => {
    asked.push(host);
    const a = names[host];
    if (!a) throw Object.assign(new Error(`unexpected lookup of ${host}`), { code: 'ENOTFOUND' });
    return a;
  };
}

describe('[proxy] pac', () => {
  test('the PAC names squid for the collector: delivered through squid with the config credentials, password never shown', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system', pac: pacUrl, user: USER, password: PASS });
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r, squid.log().slice(-500)).toMatchObject({ delivered: 1, remaining: 0 });
    expect(proxied.stored.has(m!.messageId)).toBe(true);
    expect(accessLog()).toMatch(new RegExp(`CONNECT ${VIA_SQUID.replace(/\./g, '\\.')}:${proxied.port} ${USER}`));
    const j = readJournal(join(config.agent.data_dir, 'journal'));
    expect(j.find((e) => e.result === 'ok')!.proxy).toBe(`http://${USER}@${SQUID}:${squid.port}`);
    expect(JSON.stringify(j)).not.toContain(PASS);
    expect(pacRequests).toContain(`${PAC_HOST}:8081/proxy.pac`);
  });

  test('the PAC says DIRECT for the other collector: delivered without squid', async () => {
    clearProxyCache();
    const before = accessLog();
    const config = cfg(direct.url, { url: 'system', pac: pacUrl, user: USER, password: PASS }, { allow_http: true });
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r).toMatchObject({ delivered: 1, remaining: 0 });
    expect(direct.stored.has(m!.messageId)).toBe(true);
    expect(accessLog().slice(before.length)).not.toContain(DIRECT);
    const j = readJournal(join(config.agent.data_dir, 'journal'));
    expect(j.find((e) => e.result === 'ok')!.proxy).toBeNull();
  });

  test('wrong proxy password: squid answers 407 and the message stays spooled', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system', pac: pacUrl, user: USER, password: 'wrong' });
    spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r).toMatchObject({ delivered: 0, remaining: 1 });
    expect(r.lastError).toContain('407');
  });

  test('send --dry-run says which proxy and which source chose it', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system', pac: pacUrl, user: USER, password: PASS });
    const d = await diagnose(openTransport(config));
    const e = d.endpoints[0]!;
    expect(e.proxy).toBe(`http://${USER}@${SQUID}:${squid.port}`);
    expect(e.proxyWhy).toBe(`http://${USER}@${SQUID}:${squid.port}: PAC file ${pacUrl} ([proxy] pac) answered "SOCKS5 127.0.0.1:1080; PROXY ${SQUID}:${squid.port}; DIRECT" for ${VIA_SQUID}`);
    expect(e.primaryOk).toBe(true);
    expect(e.steps.find((s) => s.name === 'proxy')?.detail).toContain('from the PAC file ([proxy] pac or Internet Options)');
    expect(JSON.stringify(d)).not.toContain(PASS);
  });

  test('an unreachable PAC file is reported and the environment decides', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system', pac: `http://${PAC_HOST}:8082/none.pac` });
    const d = await explainProxy(config, new URL(proxied.url), { env: {}, platform: 'linux' });
    expect(d.choice).toBeNull();
    expect(d.why).toBe('direct: [proxy] url = system and no system proxy is set');
    expect(d.warnings[0]).toMatch(/^PAC file http:\/\/127\.77\.3\.30:8082\/none\.pac \(\[proxy\] pac\) could not be used: .*ECONNREFUSED/);
  });
});

describe('Windows sources (settings injected as read from the registry)', () => {
  const none = { flags: FLAG.direct, proxy: '', bypass: '', autoConfigUrl: '' };
  const windows = (w: Partial<WindowsProxySources>) => async (): Promise<WindowsProxySources> => ({ winhttp: null, internet: null, domain: '', ...w });

  test('Internet Options "Use setup script": the PAC on loopback picks squid', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system', user: USER, password: PASS });
    const asked: string[] = [];
    const d = await explainProxy(config, new URL(proxied.url), {
      platform: 'win32', env: {}, lookup: lookupOnly({}, asked),
      windows: windows({ internet: { where: 'machine', settings: { ...none, flags: FLAG.direct | FLAG.autoConfigUrl, autoConfigUrl: pacUrl } } }),
    });
    expect(d.choice?.source).toBe('pac');
    expect(d.choice?.display).toBe(`http://${USER}@${SQUID}:${squid.port}`);
    expect(d.why).toContain(`PAC file ${pacUrl} (Internet Options of this PC)`);
    expect(asked).toEqual([]);
  });

  test('WinHTTP proxy wins over Internet Options; its bypass list gives direct', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system' });
    const w = windows({
      winhttp: { ...none, flags: 3, proxy: `${SQUID}:${squid.port}`, bypass: `<local>;${DIRECT}` },
      internet: { where: 'machine', settings: { ...none, flags: FLAG.autoConfigUrl, autoConfigUrl: `http://${PAC_HOST}:8082/never.pac` } },
    });
    const a = await explainProxy(config, new URL(proxied.url), { platform: 'win32', env: {}, windows: w });
    expect(a.choice?.source).toBe('winhttp');
    expect(a.why).toBe(`http://${SQUID}:${squid.port}: the WinHTTP (netsh winhttp) proxy setting`);
    const b = await explainProxy(config, new URL(direct.url), { platform: 'win32', env: {}, windows: w });
    expect(b.choice).toBeNull();
    expect(b.why).toBe(`direct: ${DIRECT} is in the WinHTTP (netsh winhttp) bypass list`);
  });

  test('WPAD: wpad.<the PC\'s domain> only, through the injected resolver; its wpad.dat picks squid', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system' });
    const asked: string[] = [];
    const before = pacRequests.length;
    const d = await explainProxy(config, new URL(proxied.url), {
      platform: 'win32', env: {}, lookup: lookupOnly({ [`wpad.${DOMAIN}`]: PAC_HOST }, asked),
      windows: windows({ domain: DOMAIN, internet: { where: 'account', settings: { ...none, flags: FLAG.direct | FLAG.autoDetect } } }),
    });
    expect(asked).toEqual([`wpad.${DOMAIN}`]);
    expect(pacRequests.slice(before)).toEqual([`wpad.${DOMAIN}/wpad.dat`]);
    expect(d.choice?.source).toBe('wpad');
    expect(d.choice?.display).toBe(`http://${SQUID}:${squid.port}`);
  });

  test('auto-detect without a domain: nothing is looked up, the environment decides, and the reason is given', async () => {
    clearProxyCache();
    const config = cfg(proxied.url, { url: 'system' });
    const asked: string[] = [];
    const d = await explainProxy(config, new URL(proxied.url), {
      platform: 'win32', env: { HTTPS_PROXY: `http://${SQUID}:${squid.port}` }, lookup: lookupOnly({}, asked),
      windows: windows({ internet: { where: 'account', settings: { ...none, flags: FLAG.autoDetect } } }),
    });
    expect(asked).toEqual([]);
    expect(d.choice?.source).toBe('environment');
    expect(d.why).toBe(`http://${SQUID}:${squid.port}: HTTPS_PROXY in the environment`);
    expect(d.warnings[0]).toContain('no DNS domain');
  });
});
