/** Delivery through real authenticating proxies on loopback: squid (407) and tinyproxy (401). */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { flushSpool, openTransport, spoolMessage } from '../../src/transport/deliver.js';
import { diagnose } from '../../src/transport/diagnose.js';
import { readJournal } from '../../src/transport/journal.js';
import { bypassed, resolveProxy } from '../../src/transport/proxy.js';
import { makePki, type Pki } from './helpers/pki.js';
import { AGENT_ID, AGENT_KEY, makeConfig } from './helpers/config.js';
import { startCollector, type Collector } from './helpers/collector.js';
import { startSquid, startTinyproxy, type RunningProxy } from './helpers/proxies.js';
import { sampleReading } from './helpers/readings.js';
import { tempDir } from '../helpers/tmp.js';

const SERVER = '127.77.2.10';
const USER = 'amruser';
const PASS = 'pr0xy-S3cret';
let pki: Pki;
let server: Collector;
let squid: RunningProxy;
let tiny: RunningProxy;

beforeAll(async () => {
  pki = makePki(tempDir('amr-pki-'), SERVER);
  server = await startCollector({ host: SERVER, key: AGENT_KEY, agentId: AGENT_ID, tls: pki.good });
  [squid, tiny] = await Promise.all([
    startSquid('127.77.2.20', 31280 + (process.pid % 500), USER, PASS),
    startTinyproxy('127.77.2.21', 38880 + (process.pid % 500), USER, PASS),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), squid?.stop(), tiny?.stop()]);
});

function cfg(proxy: Record<string, string>) {
  return makeConfig({ server: { urls: server.url, ca_file: pki.caFile, timeout: '5s' }, proxy });
}

describe.each([
  ['squid', () => squid, '407'],
  ['tinyproxy', () => tiny, '401'],
])('through %s with basic auth', (_name, proxy, rejectStatus) => {
  test('good credentials: delivered, journal shows the proxy without its password', async () => {
    const config = cfg({ url: proxy().url, user: USER, password: PASS });
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r, proxy().log().slice(-500)).toMatchObject({ delivered: 1, remaining: 0 });
    expect(server.stored.has(m!.messageId)).toBe(true);
    const j = readJournal(join(config.agent.data_dir!, 'journal'));
    const sent = j.find((e) => e.result === 'ok')!;
    expect(sent.proxy).toBe(`http://${USER}@${proxy().host}:${proxy().port}`);
    expect(JSON.stringify(j)).not.toContain(PASS);
  });

  test(`wrong password: ${rejectStatus}, hint names config.ini [proxy], message kept`, async () => {
    const config = cfg({ url: proxy().url, user: USER, password: 'wrong' });
    spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r).toMatchObject({ delivered: 0, remaining: 1 });
    expect(r.lastError).toContain(`answered ${rejectStatus}`);
    expect(r.lastError).toContain('proxy rejected the credentials in config.ini [proxy]');
  });

  test('no credentials: hint says to set user and password', async () => {
    const config = cfg({ url: proxy().url });
    spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r.lastError).toMatch(/set user and password in config.ini \[proxy\]/);
  });
});

test('proxy down: named as unreachable', async () => {
  const config = cfg({ url: 'http://127.77.2.22:1' });
  spoolMessage(config, 'readings', [sampleReading()]);
  const r = await flushSpool(config, { force: true });
  expect(r.lastError).toMatch(/proxy http:\/\/127\.77\.2\.22:1 is unreachable \(ECONNREFUSED\)/);
});

test('"system" proxy: HTTPS_PROXY used, NO_PROXY honoured; config user/password applied', async () => {
  const config = cfg({ url: 'system', user: 'u', password: 'p' });
  const env = { HTTPS_PROXY: 'http://10.9.9.9:3128', NO_PROXY: 'localhost,.corp.example,127.77.9.9' };
  const chosen = (await resolveProxy(config, new URL('https://s1.example.net/amr'), { env, platform: 'linux' }))!;
  expect(chosen.display).toBe('http://u@10.9.9.9:3128');
  expect(chosen.url.password).toBe('p');
  expect(await resolveProxy(config, new URL('https://s1.corp.example/amr'), { env, platform: 'linux' })).toBeNull();
  expect(await resolveProxy(config, new URL('https://127.77.9.9/amr'), { env, platform: 'linux' })).toBeNull();
  expect(await resolveProxy(cfg({ url: 'none' }), new URL('https://s1.example.net/amr'), { env, platform: 'linux' })).toBeNull();
  expect(bypassed(new URL('https://a.b.example:8443/'), 'b.example:443')).toBe(false);
  expect(bypassed(new URL('https://a.b.example/'), '*')).toBe(true);
});

describe('dry-run diagnosis through proxies', () => {
  const diag = (proxy: Record<string, string>) => diagnose(openTransport(cfg(proxy)));

  test.each([['squid', () => squid, '407'], ['tinyproxy', () => tiny, '401']])('%s: good credentials work; wrong ones give the config hint with the status', async (_n, proxy, status) => {
    const good = await diag({ url: proxy().url, user: USER, password: PASS });
    expect(good.primaryOk).toBe(true);
    expect(good.endpoints[0]!.steps.map((s) => s.name)).toEqual(['dns', 'proxy', 'connect', 'tls', 'http']);
    const bad = await diag({ url: proxy().url, user: USER, password: 'nope' });
    expect(bad.primaryOk).toBe(false);
    expect(bad.actions).toEqual([`proxy rejected the credentials in config.ini [proxy] (proxy answered ${status})`]);
  });

  test('proxy unreachable', async () => {
    const d = await diag({ url: 'http://127.77.2.23:2' });
    expect(d.actions[0]).toMatch(/^proxy http:\/\/127\.77\.2\.23:2 is unreachable: check config\.ini \[proxy\] url, or that the proxy runs/);
  });
});
