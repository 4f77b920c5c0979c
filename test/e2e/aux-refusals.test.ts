/**
 * Refusals over the auxiliary channels, with the real collector (SQLite) on loopback and
 * HTTP down: a TCP/UDP ERR carries the same stable `code` as the HTTP JSON refusal and the
 * agent acts on it the same way. A refusal configuration can fix keeps the message spooled
 * with one line naming the fix; only a signed `invalid`/`too_large` for this very message
 * sets it aside (split so valid readings travel); a forged ERR never does.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAuxPacket, errSignature } from '@amr/protocol';
import { gunzipSync } from 'node:zlib';
import { parseConfig } from '../../src/config/load.js';
import { emptyReading, type Reading } from '../../src/reading/types.js';
import { flushSpool, openTransport, spoolMessage } from '../../src/transport/deliver.js';
import { readJournal } from '../../src/transport/journal.js';
import { tempDir } from '../helpers/tmp.js';

const collectorModule = '../../collector/dist/index.js';
type CollectorApi = typeof import('../../collector/dist/index.js');

let api: CollectorApi;
let collector: Awaited<ReturnType<CollectorApi['startCollector']>>;
let key: string;
let closedPort: number;
const work = tempDir('amr-aux-refusal-');
const UDP_WAITS = [300, 300];

beforeAll(async () => {
  api = (await import(collectorModule)) as CollectorApi;
  collector = await api.startCollector({ db: `sqlite:${join(work, 'collector.db')}`, port: 0, host: '127.0.0.1', tcpPort: 0, udpPorts: [0], log: false });
  key = (await collector.enroll('ACME-0001', 'front-pc')).key;
  // HTTP is down: a port that refuses connections.
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedPort = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
});

function config(dir: string, over: { customer?: string; key?: string; host?: string; tcp?: number; udp?: number | null } = {}) {
  const host = over.host ?? '127.0.0.1';
  const text = [
    '[agent]', `customer = ${over.customer ?? 'ACME-0001'}`, 'id = front-pc', `data_dir = ${dir}`,
    '[server]', `urls = http://${host}:${closedPort}`, `agent_key = ${over.key ?? key}`, 'allow_http = true', 'timeout = 3s',
    `tcp_port = ${over.tcp ?? 0}`, `udp_ports = ${over.udp === null ? '' : (over.udp ?? '')}`,
    '[proxy]', 'url = none',
  ].join('\n') + '\n';
  return parseConfig(text, join(dir, 'config.ini'));
}

function reading(i: number, over: (r: Reading) => void = () => {}): Reading {
  const r = emptyReading(`10.9.1.${i}`);
  r.identity.serial = `AUXR${String(i).padStart(4, '0')}`;
  r.identity.model = 'Test Model';
  r.counters.total = { value: 5000 + i, unit: 'impressions' };
  over(r);
  return r;
}

const stored = async (id: string) => collector.db.all<{ channel: string }>('SELECT channel FROM messages WHERE message_id = ?', [id]);

describe('a refusal configuration can fix, over TCP and UDP', () => {
  it('a customer-code typo: both channels answer wrong_customer; the alert stays spooled, one line names the fix; after the fix TCP delivers it once', async () => {
    const dir = mkdtempSync(join(work, 'typo-'));
    const bad = config(dir, { customer: 'ACME-0002', tcp: collector.tcpPort!, udp: collector.udpPorts[0]! });
    const t = openTransport(bad, { forSending: true });
    const [m] = spoolMessage(bad, 'alert', [reading(1)], t);
    const s = await flushSpool(bad, { force: true, udpWaits: UDP_WAITS }, t);
    expect(s).toMatchObject({ delivered: 0, quarantined: 0, remaining: 1 });
    expect(s.refusal).toMatch(/\[agent\] customer = ACME-0002 .*set \[agent\] customer to the enrolled code/);
    const aux = readJournal(join(dir, 'journal')).filter((e) => e.channel === 'tcp' || e.channel === 'udp');
    expect(aux.map((e) => e.channel)).toEqual(['tcp', 'udp']);
    for (const e of aux) expect(e.error).toMatch(/differs from the agent's enrolment .*\(wrong_customer\)$/);
    expect(await stored(m!.messageId)).toEqual([]);

    const good = config(dir, { tcp: collector.tcpPort!, udp: collector.udpPorts[0]! });
    const s2 = await flushSpool(good, { force: true, udpWaits: UDP_WAITS });
    expect(s2).toMatchObject({ delivered: 1, remaining: 0, quarantined: 0 });
    expect(await stored(m!.messageId)).toEqual([{ channel: 'tcp' }]);
  });

  it('a wrong agent key over UDP alone: bad_signature names [server] agent_key; after the fix UDP delivers it once', async () => {
    const dir = mkdtempSync(join(work, 'key-'));
    const bad = config(dir, { key: 'not-the-enrolled-key', udp: collector.udpPorts[0]! });
    const [m] = spoolMessage(bad, 'heartbeat', [reading(2)]);
    const s = await flushSpool(bad, { force: true, udpWaits: UDP_WAITS });
    expect(s).toMatchObject({ delivered: 0, quarantined: 0, remaining: 1 });
    expect(s.refusal).toMatch(/\[server\] agent_key differs from the key the dealer enrolled/);
    expect(s.lastError).toMatch(/bad signature \(bad_signature\)/);
    const s2 = await flushSpool(config(dir, { udp: collector.udpPorts[0]! }), { force: true, udpWaits: UDP_WAITS });
    expect(s2).toMatchObject({ delivered: 1, remaining: 0 });
    expect(await stored(m!.messageId)).toEqual([{ channel: 'udp' }]);
  });
});

describe('a permanent refusal over TCP', () => {
  it('invalid, signed for this message: split so the valid reading is stored, the bad one alone quarantined', async () => {
    const dir = mkdtempSync(join(work, 'invalid-'));
    const c = config(dir, { tcp: collector.tcpPort! });
    const t = openTransport(c, { forSending: true });
    spoolMessage(c, 'alert', [reading(3), reading(4, (r) => { r.readAt = '2099-01-01T00:00:00.000Z'; })], t);
    const s = await flushSpool(c, { force: true }, t);
    expect(s).toMatchObject({ split: 1, quarantined: 1, remaining: 0 });
    expect(s.quarantinedReadings.map((r) => r.identity.serial)).toEqual(['AUXR0004']);
    const rows = await collector.db.all<{ payload: string }>("SELECT payload FROM readings WHERE payload LIKE '%AUXR0003%' OR payload LIKE '%AUXR0004%'");
    expect(rows.map((r) => JSON.parse(r.payload).identity.serial)).toEqual(['AUXR0003']);
    expect(t.spool.quarantined()).toHaveLength(1);
  });
});

/** A fake collector on UDP answering every packet with the line `reply(messageId)`. */
async function fakeUdp(host: string, reply: (messageId: string) => string): Promise<{ port: number; sock: Socket }> {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const p = decodeAuxPacket(msg)!;
    const id = (JSON.parse(gunzipSync(p.body).toString()) as { messageId: string }).messageId;
    sock.send(reply(id), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, host, r));
  return { port: sock.address().port, sock };
}

describe('what the agent trusts in an ERR', () => {
  it('a forged invalid (unsigned, or signed with another key) never sets a message aside: it stays spooled', async () => {
    for (const forge of [
      (id: string) => `AMR1 ERR ${id} code=invalid forged refusal`,
      (id: string) => `AMR1 ERR ${id} code=invalid ${errSignature('attacker-key', id, 'invalid')} forged refusal`,
      (id: string) => `AMR1 ERR other-message code=invalid ${errSignature(key, 'other-message', 'invalid')} meant for another message`,
    ]) {
      const fake = await fakeUdp('127.0.0.2', forge);
      try {
        const dir = mkdtempSync(join(work, 'forged-'));
        const c = config(dir, { host: '127.0.0.2', udp: fake.port });
        spoolMessage(c, 'alert', [reading(5)]);
        const s = await flushSpool(c, { force: true, udpWaits: UDP_WAITS });
        expect(s).toMatchObject({ delivered: 0, quarantined: 0, split: 0, failed: 1, remaining: 1 });
        expect(readdirSync(join(dir, 'spool'))).not.toContain('quarantine');
      } finally {
        fake.sock.close();
      }
    }
  });

  it('acts on the code, not the wording: a reworded refusal with code=unknown_agent is still a configuration fix', async () => {
    const fake = await fakeUdp('127.0.0.2', () => 'AMR1 ERR - code=unknown_agent this agent is not registered here');
    try {
      const dir = mkdtempSync(join(work, 'reworded-'));
      const c = config(dir, { host: '127.0.0.2', udp: fake.port });
      spoolMessage(c, 'alert', [reading(6)]);
      const s = await flushSpool(c, { force: true, udpWaits: UDP_WAITS });
      expect(s).toMatchObject({ delivered: 0, quarantined: 0, remaining: 1 });
      expect(s.refusal).toMatch(/the collector does not know agent "front-pc": set \[agent\] id/);
      expect(readdirSync(join(dir, 'spool'))).not.toContain('quarantine');
    } finally {
      fake.sock.close();
    }
  });
});
