/**
 * NTLM through the cntlm relay, as the README's "NTLM proxies" section documents:
 * amr -> cntlm (no credentials in amr's config) -> squid demanding NTLM -> collector.
 */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { flushSpool, openTransport, spoolMessage } from '../../src/transport/deliver.js';
import { diagnose } from '../../src/transport/diagnose.js';
import { readJournal } from '../../src/transport/journal.js';
import { makePki, type Pki } from './helpers/pki.js';
import { AGENT_ID, AGENT_KEY, makeConfig } from './helpers/config.js';
import { startCollector, type Collector } from './helpers/collector.js';
import { startCntlm, startNtlmSquid, type NtlmSquid } from './helpers/ntlm.js';
import type { RunningProxy } from './helpers/proxies.js';
import { sampleReading } from './helpers/readings.js';
import { tempDir } from '../helpers/tmp.js';

const SERVER = '127.77.3.42';
const ACCOUNT = { user: 'amrntlm', domain: 'CORP', password: 'Ntlm-S3cret-pw' };
let pki: Pki;
let server: Collector;
let squid: NtlmSquid;
let cntlm: RunningProxy & { config: string };

beforeAll(async () => {
  pki = makePki(tempDir('amr-pki-'), SERVER);
  server = await startCollector({ host: SERVER, key: AGENT_KEY, agentId: AGENT_ID, tls: pki.good });
  squid = await startNtlmSquid('127.77.3.40', 33400 + (process.pid % 500));
  cntlm = await startCntlm('127.77.3.41', 33950 + (process.pid % 500), squid, ACCOUNT);
}, 30_000);
afterAll(async () => {
  await Promise.all([server?.close(), cntlm?.stop(), squid?.stop()]);
});

const cfg = (proxyUrl: string) => makeConfig({ server: { urls: server.url, ca_file: pki.caFile, timeout: '5s' }, proxy: { url: proxyUrl } });

/** Squid's access.log lines: [result/status, method, target, user]. */
function accessLines(): Array<{ code: string; method: string; target: string; user: string }> {
  return squid.accessLog().split('\n').filter(Boolean).map((l) => {
    const f = l.trim().split(/\s+/);
    return { code: f[3]!, method: f[5]!, target: f[6]!, user: f[7]! };
  });
}

/** A raw CONNECT without credentials, as any non-NTLM client would send. */
function rawConnect(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: squid.host, port: squid.port }, () => {
      s.write(`CONNECT ${SERVER}:${server.port} HTTP/1.1\r\nHost: ${SERVER}:${server.port}\r\n\r\n`);
    });
    let head = '';
    s.on('data', (c) => { head += String(c); if (head.includes('\r\n\r\n')) { s.destroy(); resolve(head.split('\r\n\r\n')[0]!); } });
    s.on('error', reject);
    s.setTimeout(5000, () => { s.destroy(); reject(new Error(`no answer from squid: ${head}`)); });
  });
}

test('squid demands NTLM (and only NTLM) from a client without credentials', async () => {
  const head = await rawConnect();
  expect(head).toMatch(/^HTTP\/1\.1 407 /);
  expect(head).toMatch(/^Proxy-Authenticate: NTLM\r?$/m);
  expect(head).not.toMatch(/^Proxy-Authenticate: Basic/m);
});

test('amr straight at the NTLM proxy: 407 with the config hint, message kept', async () => {
  const config = cfg(squid.url);
  spoolMessage(config, 'readings', [sampleReading()]);
  const r = await flushSpool(config, { force: true });
  expect(r).toMatchObject({ delivered: 0, remaining: 1 });
  expect(r.lastError).toContain('answered 407');
});

test('amr through cntlm: delivered via squid as an NTLM-authenticated user; journal names cntlm, no secret', async () => {
  const config = cfg(cntlm.url);
  const before = accessLines().length;
  const [m] = spoolMessage(config, 'readings', [sampleReading(2)]);
  const r = await flushSpool(config, { force: true });
  expect(r, `${cntlm.log().slice(-600)}\n${squid.log().slice(-600)}`).toMatchObject({ delivered: 1, remaining: 0 });
  expect(server.stored.has(m!.messageId)).toBe(true);

  // Squid let the tunnel to the collector through only after the NTLM handshake:
  // a 407 first, then the CONNECT carrying an authenticated user name.
  const lines = accessLines().slice(before).filter((l) => l.method === 'CONNECT' && l.target === `${SERVER}:${server.port}`);
  expect(lines.map((l) => l.code)).toContain('TCP_DENIED/407');
  const tunnel = lines.find((l) => l.code === 'TCP_TUNNEL/200');
  expect(tunnel, squid.accessLog()).toBeDefined();
  expect(tunnel!.user).not.toBe('-');

  const journal = readJournal(join(config.agent.data_dir!, 'journal'), {}, 0);
  const sent = journal.find((e) => e.result === 'ok' && e.messageIds.includes(m!.messageId))!;
  expect(sent.proxy).toBe(cntlm.url);
  const text = JSON.stringify(journal);
  expect(text).not.toContain(ACCOUNT.password);
  for (const h of cntlm.config.match(/[0-9A-F]{32}/g)!) expect(text).not.toContain(h);
});

test('dry-run diagnosis through cntlm: every step passes, nothing delivered', async () => {
  const stored = server.stored.size;
  const d = await diagnose(openTransport(cfg(cntlm.url)));
  expect(d.primaryOk, JSON.stringify(d.endpoints, null, 1)).toBe(true);
  expect(d.endpoints[0]!.steps.map((s) => s.name)).toEqual(['dns', 'proxy', 'connect', 'tls', 'http']);
  expect(server.stored.size).toBe(stored);
});
