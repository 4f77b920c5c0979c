/** Delivery over real HTTPS on loopback: store and forward, failover, and each failure the journal must name. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { flushSpool, spoolMessage } from '../../src/transport/deliver.js';
import { readJournal } from '../../src/transport/journal.js';
import { makePki, type Pki } from './helpers/pki.js';
import { AGENT_ID, AGENT_KEY, makeConfig, tempData } from './helpers/config.js';
import { startAux, startCollector, type Collector } from './helpers/collector.js';
import { sampleReading } from './helpers/readings.js';
import type { Message } from '@amr/protocol';
import { tempDir } from '../helpers/tmp.js';

const HOST = '127.77.0.10';
const HOST2 = '127.77.0.11';
let pki: Pki;
const servers: Collector[] = [];

beforeAll(() => {
  pki = makePki(tempDir('amr-pki-'), HOST);
});
afterAll(async () => { await Promise.all(servers.map((s) => s.close())); });

async function collector(opts: Partial<Parameters<typeof startCollector>[0]> = {}): Promise<Collector> {
  const c = await startCollector({ host: HOST, key: AGENT_KEY, agentId: AGENT_ID, tls: pki.good, ...opts });
  servers.push(c);
  return c;
}

function cfg(urls: string[], extra: Record<string, Record<string, string | number | boolean>> = {}, data = tempData()) {
  return makeConfig({ ...extra, server: { urls: urls.join(', '), ca_file: pki.caFile, timeout: '2s', ...(extra.server ?? {}) } }, data);
}

function spoolFiles(data: string): string[] {
  const dir = join(data, 'spool');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'state.json') : [];
}

describe('store and forward over HTTPS', () => {
  test('server down, then up: delivered exactly once, spool emptied, journal shows both attempts', async () => {
    const data = tempData();
    const probe = await collector();
    const url = probe.url;
    const port = probe.port;
    await probe.close();
    const config = cfg([url], {}, data);
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    expect(spoolFiles(data)).toHaveLength(1);

    const down = await flushSpool(config, { force: true });
    expect(down).toMatchObject({ delivered: 0, failed: 1, remaining: 1, primaryOk: false });
    expect(spoolFiles(data)).toHaveLength(1);

    const up = await collector({ port });
    const ok = await flushSpool(config, { force: true });
    expect(ok).toMatchObject({ delivered: 1, duplicates: 0, remaining: 0, primaryOk: true });
    expect(up.stored.size).toBe(1);
    expect(up.stored.get(m!.messageId)!.readings[0]!.identity.serial).toBe('E700000001');
    expect(spoolFiles(data)).toHaveLength(0);

    const again = await flushSpool(config, { force: true });
    expect(again.delivered).toBe(0);
    expect(up.posts).toBe(1);

    const j = readJournal(join(data, 'journal'));
    expect(j.map((e) => e.result)).toEqual(['spooled', 'error', 'ok']);
    expect(j[1]).toMatchObject({ channel: 'https', server: url, messageIds: [m!.messageId], proxy: null });
    expect(j[1]!.error).toMatch(/refused/);
    expect(j[2]!.bytes).toBeGreaterThan(100);
    expect(j[2]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('failover: first server refuses, second stores; a retry to it is a duplicate, not a second copy', async () => {
    const s2 = await collector({ host: HOST });
    const config = cfg([`https://${HOST}:1/amr`, s2.url]);
    const [m] = spoolMessage(config, 'readings', [sampleReading(2)]);
    const r = await flushSpool(config, { force: true });
    expect(r).toMatchObject({ delivered: 1, remaining: 0 });
    expect(s2.stored.has(m!.messageId)).toBe(true);
    // The same message again (e.g. the ack was lost): the server answers duplicate.
    config.agent.data_dir = tempData();
    spoolAgain(config, m!);
    const r2 = await flushSpool(config, { force: true });
    expect(r2).toMatchObject({ delivered: 1, duplicates: 1 });
    expect(s2.stored.size).toBe(1);
  });

  test('backoff: a failed message is not retried before its time unless forced', async () => {
    const config = cfg([`https://${HOST}:1/amr`]);
    spoolMessage(config, 'readings', [sampleReading()]);
    expect((await flushSpool(config)).failed).toBe(1);
    expect((await flushSpool(config))).toMatchObject({ failed: 0, deferred: 1 });
    expect((await flushSpool(config, { now: () => Date.now() + 3_600_000 })).failed).toBe(1);
  });

  const failures: Array<[string, () => Promise<{ url: string; caFile?: string }>, RegExp]> = [
    ['unknown CA', async () => ({ url: (await collector({ tls: pki.byOtherCa })).url }), /unknown CA|untrusted/],
    ['no CA configured (self-made CA)', async () => ({ url: (await collector()).url, caFile: '' }), /unknown CA|untrusted/],
    ['expired certificate', async () => ({ url: (await collector({ tls: pki.expired })).url }), /expired/],
    ['wrong host name', async () => ({ url: (await collector({ tls: pki.wrongHost })).url }), /another host/],
    ['slow server (timeout)', async () => ({ url: (await collector({ mode: 'slow', slowMs: 4000 })).url }), /no answer within 1s/],
    ['oversized reply', async () => ({ url: (await collector({ mode: 'oversized' })).url }), /larger than/],
    ['garbage reply', async () => ({ url: (await collector({ mode: 'garbage' })).url }), /not an acknowledgement.*hotel wifi/],
    ['HTTP 500', async () => ({ url: (await collector({ mode: 'status500' })).url }), /HTTP 500: database down/],
    ['plain HTTP to a TLS port', async () => ({ url: (await collector()).url.replace('https:', 'http:') }), /./],
  ];
  test.each(failures)('%s: message kept, journal names the cause', async (_name, setup, pattern) => {
    const { url, caFile } = await setup();
    const config = cfg([url], { server: { timeout: '1s', allow_http: true, ...(caFile !== undefined ? { ca_file: caFile } : {}) } });
    spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r).toMatchObject({ delivered: 0, failed: 1, remaining: 1 });
    const last = readJournal(join(config.agent.data_dir!, 'journal')).at(-1)!;
    expect(last.result).toBe('error');
    expect(last.error).toMatch(pattern);
  });

  test('a wrong agent key is refused by the server and the message stays', async () => {
    const s = await collector();
    const config = cfg([s.url], { server: { agent_key: 'not-the-key' } });
    spoolMessage(config, 'readings', [sampleReading()]);
    const r = await flushSpool(config, { force: true });
    expect(r).toMatchObject({ delivered: 0, remaining: 1 });
    expect(r.lastError).toMatch(/401: bad signature/);
    expect(s.stored.size).toBe(0);
  });
});

function spoolAgain(config: ReturnType<typeof cfg>, m: Message): void {
  const dir = join(config.agent.data_dir!, 'spool');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `1-${String(Date.parse(m.createdAt)).padStart(14, '0')}-${m.messageId}.json`), JSON.stringify(m));
}

describe('auxiliary channels when HTTPS is blocked', () => {
  test('alert goes over TCP 5010-style channel; billing readings wait for HTTPS', async () => {
    const aux = await startAux({ host: HOST2, key: AGENT_KEY, agentId: AGENT_ID });
    try {
      const config = cfg([`https://${HOST2}:1/amr`], { server: { tcp_port: aux.tcpPort } });
      const [alert] = spoolMessage(config, 'alert', [sampleReading()]);
      spoolMessage(config, 'readings', [sampleReading()]);
      const r = await flushSpool(config, { force: true });
      expect(r).toMatchObject({ delivered: 1, remaining: 1 });
      expect(aux.stored.has(alert!.messageId)).toBe(true);
      const j = readJournal(join(config.agent.data_dir!, 'journal'));
      expect(j.find((e) => e.channel === 'tcp')).toMatchObject({ result: 'ok', server: `${HOST2}:${aux.tcpPort}` });
    } finally { await aux.close(); }
  });

  test('UDP: lost datagrams are resent until the signed ACK arrives', async () => {
    const aux = await startAux({ host: HOST2, key: AGENT_KEY, agentId: AGENT_ID, dropFirst: 2 });
    try {
      const config = cfg([`https://${HOST2}:1/amr`], { server: { udp_ports: `${aux.udpPort}` } });
      const [hb] = spoolMessage(config, 'heartbeat', [sampleReading()]);
      const r = await flushSpool(config, { force: true, udpWaits: [150, 150, 150, 150] });
      expect(r).toMatchObject({ delivered: 1, remaining: 0 });
      expect(aux.datagrams).toBe(3); // two dropped, the third answered: the same bytes resent
      expect(aux.stored.has(hb!.messageId)).toBe(true);
    } finally { await aux.close(); }
  });

  test('UDP to a port nobody listens on: failure journaled, message kept', async () => {
    const config = cfg([`https://${HOST2}:1/amr`], { server: { udp_ports: '47999' } });
    spoolMessage(config, 'alert', [sampleReading()]);
    const r = await flushSpool(config, { force: true, udpWaits: [100, 100] });
    expect(r).toMatchObject({ delivered: 0, remaining: 1 });
    const last = readJournal(join(config.agent.data_dir!, 'journal')).at(-1)!;
    expect(last).toMatchObject({ channel: 'udp', result: 'error' });
  });
});
