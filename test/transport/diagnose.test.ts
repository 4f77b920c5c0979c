/** `--dry-run` diagnosis for each failure, on loopback, in-process. */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openTransport } from '../../src/transport/deliver.js';
import { diagnose } from '../../src/transport/diagnose.js';
import { makePki, type Pki } from './helpers/pki.js';
import { AGENT_ID, AGENT_KEY, makeConfig } from './helpers/config.js';
import { startAux, startCollector, type AuxListeners, type Collector } from './helpers/collector.js';
import { tempDir } from '../helpers/tmp.js';

const HOST = '127.77.4.10';
let pki: Pki;
let aux: AuxListeners;
const servers: Collector[] = [];

beforeAll(async () => {
  pki = makePki(tempDir('amr-pki-'), HOST);
  aux = await startAux({ host: HOST, key: AGENT_KEY, agentId: AGENT_ID });
});
afterAll(async () => { await Promise.all([...servers.map((s) => s.close()), aux.close()]); });

async function collector(opts: Partial<Parameters<typeof startCollector>[0]> = {}): Promise<Collector> {
  const c = await startCollector({ host: HOST, key: AGENT_KEY, agentId: AGENT_ID, tls: pki.good, ...opts });
  servers.push(c);
  return c;
}

async function run(url: string, server: Record<string, string | number | boolean> = {}) {
  const config = makeConfig({ server: { urls: url, ca_file: pki.caFile, timeout: '1s', ...server } });
  return diagnose(openTransport(config), { udpWaits: [100, 100] });
}

test('all good, including TCP and UDP auxiliary channels', async () => {
  const s = await collector();
  const d = await run(s.url, { tcp_port: aux.tcpPort, udp_ports: `${aux.udpPort}` });
  expect(d.primaryOk).toBe(true);
  expect(d.endpoints[0]!.steps.map((x) => [x.name, x.status])).toEqual([
    ['dns', 'skip'], ['tcp', 'ok'], ['tls', 'ok'], ['http', 'ok'], ['aux-tcp', 'ok'], ['aux-udp', 'ok'],
  ]);
  expect(d.actions).toEqual([]);
  expect(s.stored.size).toBe(0);
});

test.each([
  ['refused port', async () => `https://${HOST}:5/amr`, `allow outbound TCP 5 to ${HOST}`],
  ['unknown CA', async () => (await collector({ tls: pki.byOtherCa })).url, 'set config.ini [server] ca_file to the CA'],
  ['expired certificate', async () => (await collector({ tls: pki.expired })).url, 'has expired: tell your dealer'],
  ['wrong host', async () => (await collector({ tls: pki.wrongHost })).url, 'is for another host name'],
  ['slow server', async () => (await collector({ mode: 'slow', slowMs: 3000 })).url, 'does not answer in 1s'],
  ['garbage (captive portal)', async () => (await collector({ mode: 'garbage' })).url, 'a proxy or captive portal may be in the way'],
  ['oversized reply', async () => (await collector({ mode: 'oversized' })).url, 'answers wrongly'],
  ['wrong path', async () => (await collector()).url.replace('/amr', '/nope'), 'no collector at'],
])('%s -> actionable report, primary channel down', async (_n, url, action) => {
  const d = await run(await url());
  expect(d.primaryOk).toBe(false);
  expect(d.actions.join('\n')).toContain(action);
});

test('wrong agent key and unknown agent id are told apart', async () => {
  const s = await collector();
  const d1 = await run(s.url, { agent_key: 'wrong-key' });
  expect(d1.actions[0]).toMatch(/\[server\] agent_key differs from the key the dealer enrolled/);
  const config = makeConfig({ agent: { id: 'someone-else' }, server: { urls: s.url, ca_file: pki.caFile, timeout: '1s' } });
  const d2 = await diagnose(openTransport(config));
  expect(d2.actions[0]).toMatch(/does not know agent "someone-else": set \[agent\] id/);
});

test('blocked auxiliary channels are reported as optional actions; HTTPS still counts', async () => {
  const s = await collector();
  const d = await run(s.url, { tcp_port: 6, udp_ports: '47998' });
  expect(d.primaryOk).toBe(true);
  expect(d.actions).toEqual([`optional: allow outbound TCP 6 to ${HOST} (auxiliary channel for alerts when HTTPS is blocked)`, `optional: allow outbound UDP 47998 to ${HOST} (emergency channel for alerts)`]);
});

// DNS with an injected resolver: no test asks a real DNS server (network rule).
test('a collector name that resolves: every step uses the resolved address, the certificate is checked for the name', async () => {
  const s = await collector();
  const asked: string[] = [];
  const lookup = async (host: string) => { asked.push(host); return { address: HOST }; };
  const url = s.url.replace(HOST, 'localhost'); // the test certificate is for localhost and HOST
  const config = makeConfig({ server: { urls: url, ca_file: pki.caFile, timeout: '1s', tcp_port: aux.tcpPort } });
  const d = await diagnose(openTransport(config), { lookup });
  expect(d.endpoints[0]!.steps.map((x) => [x.name, x.status])).toEqual([['dns', 'ok'], ['tcp', 'ok'], ['tls', 'ok'], ['http', 'ok'], ['aux-tcp', 'ok']]);
  expect(d.endpoints[0]!.steps[0]!.detail).toBe(`localhost -> ${HOST}`);
  expect(d.primaryOk).toBe(true);
  expect(asked.every((h) => h === 'localhost')).toBe(true);
  expect(asked.length).toBeGreaterThanOrEqual(2); // the DNS step and the HTTP probe
});

test('a collector name that does not resolve: one step fails with what to do, nothing else is tried', async () => {
  const lookup = async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }); };
  const config = makeConfig({ server: { urls: 'https://collector.dealer.invalid/amr', ca_file: pki.caFile, timeout: '1s' } });
  const d = await diagnose(openTransport(config), { lookup });
  expect(d.primaryOk).toBe(false);
  expect(d.endpoints[0]!.steps).toEqual([{ name: 'dns', status: 'fail', detail: 'collector.dealer.invalid does not resolve (ENOTFOUND)' }]);
  expect(d.actions).toEqual(["collector.dealer.invalid does not resolve: check the PC's DNS server, or the name in config.ini [server] urls"]);
});
