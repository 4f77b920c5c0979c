/**
 * Refusals, with the real collector (SQLite) and the real `amr run` reading simulated
 * printers on loopback: a refusal config.ini can fix keeps the messages and the next run
 * after the fix delivers them; one odd device never costs the others; only the
 * collector's own JSON refusal is permanent, and then only for the reading it refuses.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { parseConfig } from '../../src/config/load.js';
import { emptyReading, type Reading } from '../../src/reading/types.js';
import { flushSpool, openTransport, spoolMessage } from '../../src/transport/deliver.js';
import { parseRefusal } from '../../src/transport/http.js';
import { classifyRefusal } from '../../src/transport/refusal.js';
import { signature } from '@amr/protocol';
import { gzipSync } from 'node:zlib';
import { tempConfig, tempDir } from '../helpers/tmp.js';

const collectorModule = '../../collector/dist/index.js';
type CollectorApi = typeof import('../../collector/dist/index.js');

const PORT = 16171;
let fleet: Fleet;
let api: CollectorApi;
let collector: Awaited<ReturnType<CollectorApi['startCollector']>>;
let key: string;
let waf: Server;
let wafUrl: string;
const work = tempDir('amr-refusal-');

beforeAll(async () => {
  api = (await import(collectorModule)) as CollectorApi;
  fleet = await startFleet('127.0.31', PORT, ['konica_c250i', 'ricoh_mpc3002']);
  collector = await api.startCollector({ db: `sqlite:${join(work, 'collector.db')}`, port: 0, host: '127.0.0.1', tcpPort: 0, udpPorts: [0], log: false });
  key = (await collector.enroll('ACME-0001', 'front-pc')).key;
  // A web application firewall in front of the collector: HTML 400 for everything.
  waf = createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(400, { 'content-type': 'text/html' }); res.end('<html><body><h1>Request blocked</h1>\x1b[2J</body></html>'); });
  });
  await new Promise<void>((r) => waf.listen(0, '127.0.0.1', r));
  wafUrl = `http://127.0.0.1:${(waf.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await fleet?.sim.stop();
  await collector?.stop();
  await new Promise((r) => waf?.close(r));
  rmSync(work, { recursive: true, force: true });
});

function configText(dir: string, over: { customer?: string; id?: string; key?: string; url?: string } = {}): string {
  return [
    '[agent]', `customer = ${over.customer ?? 'ACME-0001'}`, `id = ${over.id ?? 'front-pc'}`, `data_dir = ${dir}`,
    '[server]', `urls = ${over.url ?? collector.url}`, `agent_key = ${over.key ?? key}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
    '[proxy]', 'url = none',
    '[snmp]', `port = ${PORT}`, 'timeout = 500ms', 'retries = 0',
    '[discovery]', 'interval = 365d',
    `[device.${fleet.address.get('konica_c250i')}]`, `[device.${fleet.address.get('ricoh_mpc3002')}]`,
    '[web]', 'enabled = false',
  ].join('\n') + '\n';
}

const spoolFiles = (dir: string) => readdirSync(join(dir, 'spool')).filter((f) => f.endsWith('.json') && f !== 'state.json');
const storedFor = async (agent: string) => (await collector.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE agent_id = ?', [agent]))[0]!.n;

describe('a refusal configuration can fix', () => {
  const cases = [
    { name: 'a customer-code typo', over: { customer: 'ACME-0002' }, line: /set \[agent\] customer to the enrolled code/ },
    { name: 'a wrong agent key', over: { key: 'not-the-enrolled-key' }, line: /\[server\] agent_key differs from the key the dealer enrolled/ },
    { name: 'an agent id the collector does not know', over: { id: 'front-pc-typo' }, line: /set \[agent\] id to the id your dealer enrolled/ },
  ];
  for (const c of cases) {
    it(`${c.name}: messages stay spooled, one line says what to change, the run after the fix delivers them`, async () => {
      const { dir, file } = tempConfig((d) => configText(d, c.over), 'amr-refusal-cfg-');
      const before = await storedFor('front-pc');
      const bad = await amr(['run', '--config', file], {}, 60_000);
      expect(bad.code).toBe(2);
      const lines = bad.stderr.split('\n').filter((l) => l.includes('refuses'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(c.line);
      expect(spoolFiles(dir).length).toBeGreaterThan(0);
      expect(readdirSync(join(dir, 'spool'))).not.toContain('quarantine');

      writeFileSync(file, configText(dir));
      const good = await amr(['run', '--config', file, '--json'], {}, 60_000);
      expect(good.code).toBe(0);
      const report = JSON.parse(good.stdout);
      // Nothing new to read (the state already counts them); the spooled messages are what go.
      expect(report.delivery.delivered).toBeGreaterThan(0);
      expect(spoolFiles(dir)).toEqual([]);
      expect(await storedFor('front-pc')).toBeGreaterThan(before);
      const serials = (await api.fleet(collector.db)).devices.map((d) => d.serial);
      expect(serials).toEqual(expect.arrayContaining(['AA2M021115700', 'W492KB03439']));
    }, 120_000);
  }

  it('a clock more than 5 minutes off: the real collector\'s answer is read as a clock problem, not damage', async () => {
    const body = gzipSync(JSON.stringify({ protocol: 1 }));
    const ts = Math.floor(Date.now() / 1000) - 3600;
    const res = await fetch(`${collector.url}/v1/messages`, {
      method: 'POST', body,
      headers: { 'content-encoding': 'gzip', 'x-amr-agent': 'front-pc', 'x-amr-timestamp': String(ts), 'x-amr-signature': signature(key, ts, body) },
    });
    const refusal = parseRefusal(await res.text(), res.headers.get('content-type') ?? undefined);
    expect(refusal?.code).toBe('clock_skew');
    expect(classifyRefusal(res.status, refusal!, { agentId: 'front-pc', customer: 'ACME-0001' })).toEqual({
      kind: 'config', hint: expect.stringMatching(/clock is more than 5 minutes off/),
    });
  });
});

function reading(i: number, over: (r: Reading) => void = () => {}): Reading {
  const r = emptyReading(`10.9.0.${i}`);
  r.identity.serial = `ODD${String(i).padStart(4, '0')}`;
  r.identity.model = 'Test Model';
  r.counters.total = { value: 1000 + i, unit: 'impressions' };
  over(r);
  return r;
}

describe('one odd device never costs the others', () => {
  it('a 300-character location and 300 supplies are held to the limits and flagged; all 21 readings are stored', async () => {
    const dir = mkdtempSync(join(work, 'odd-'));
    const config = parseConfig(configText(dir), join(dir, 'config.ini'));
    const items = Array.from({ length: 21 }, (_, i) => reading(i, i === 7 ? (r) => {
      r.identity.location = 'L'.repeat(300);
      r.supplies = Array.from({ length: 300 }, (_, j) => ({
        hrDeviceIndex: 1, index: j + 1, description: `Toner ${j}`, type: 'toner', class: 'consumed', color: 'black', unit: 'percent',
        max: 100, level: 50, levelPercent: 50, state: 'ok', partNumber: null,
      } as never));
    } : undefined));
    const t = openTransport(config, { forSending: true });
    spoolMessage(config, 'readings', items, t);
    const s = await flushSpool(config, { force: true }, t);
    expect(s).toMatchObject({ delivered: 1, quarantined: 0, failed: 0, remaining: 0 });
    const rows = await collector.db.all<{ payload: string }>("SELECT payload FROM readings WHERE payload LIKE '%ODD0%'");
    expect(rows).toHaveLength(21);
    const odd = rows.map((r) => JSON.parse(r.payload)).find((p) => p.identity.serial === 'ODD0007');
    expect(odd.identity.location).toHaveLength(256);
    expect(odd.supplies).toHaveLength(256);
    expect(odd.flags.find((f: { code: string }) => f.code === 'clamped').message).toMatch(/identity.location cut from 300 to 256 characters; supplies shortened from 300 to 256 entries/);
  });

  it('a reading the collector can never take is split out: the other 5 are stored, it alone is quarantined and visible', async () => {
    const { dir, file, text } = tempConfig((d) => configText(d), 'amr-refusal-split-');
    const config = parseConfig(text, file);
    const items = Array.from({ length: 6 }, (_, i) => reading(100 + i, i === 4 ? (r) => { r.readAt = '2099-01-01T00:00:00.000Z'; } : undefined));
    const t = openTransport(config, { forSending: true });
    spoolMessage(config, 'readings', items, t);
    const s = await flushSpool(config, { force: true }, t);
    expect(s.quarantined).toBe(1);
    expect(s.quarantinedReadings.map((r) => r.identity.serial)).toEqual(['ODD0104']);
    expect(s.split).toBeGreaterThan(0);
    expect(s.remaining).toBe(0);
    const rows = await collector.db.all<{ payload: string }>("SELECT payload FROM readings WHERE payload LIKE '%ODD01%'");
    expect(rows.map((r) => JSON.parse(r.payload).identity.serial).sort()).toEqual(['ODD0100', 'ODD0101', 'ODD0102', 'ODD0103', 'ODD0105']);
    expect(t.spool.quarantined()).toHaveLength(1);
    const monitor = await amr(['monitor', '--config', file, '--result', 'quarantined'], {}, 30_000);
    expect(monitor.stdout).toMatch(/quarantined .*refused by the collector as invalid \(readings\[0\]\.readAt is more than a day in the future\)/s);
    const dry = await amr(['send', '--dry-run', '--config', file], {}, 30_000);
    expect(dry.stdout).toMatch(/1 message\(s\) in quarantine/);
  });
});

describe('an HTML 400 from something in front of the collector', () => {
  it('is an ordinary failure: the message stays spooled, nothing is quarantined, the text is made harmless', async () => {
    const dir = mkdtempSync(join(work, 'waf-'));
    const config = parseConfig(configText(dir, { url: wafUrl }), join(dir, 'config.ini'));
    const t = openTransport(config, { forSending: true });
    spoolMessage(config, 'readings', [reading(200)], t);
    const s = await flushSpool(config, { force: true }, t);
    expect(s).toMatchObject({ delivered: 0, quarantined: 0, failed: 1, remaining: 1 });
    expect(s.lastError).toMatch(/HTTP 400 from something that is not the collector .*Request blocked/);
    expect(s.lastError).not.toMatch(/\x1b/);
    expect(t.spool.quarantined()).toEqual([]);
  });
});

describe('amr send --dry-run', () => {
  it('says plain HTTP, not HTTPS, and shows auxiliary channels that refuse the agent as refusing, not "ok"', async () => {
    const { file } = tempConfig((d) => configText(d, { key: 'wrong-key' }).replace('tcp_port = 0\nudp_ports =', `tcp_port = ${collector.tcpPort}\nudp_ports = ${collector.udpPorts[0]}`), 'amr-refusal-dry-');
    const r = await amr(['send', '--dry-run', '--config', file], {}, 60_000);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('Report: the primary channel (plain HTTP, not encrypted) does not work from this PC');
    expect(r.stdout).not.toContain('(HTTPS)');
    expect(r.stdout).toMatch(/FAIL aux-tcp\s+TCP \d+ answered but refuses this agent/);
    expect(r.stdout).toMatch(/FAIL aux-udp\s+UDP \d+ answered but refuses this agent/);
    expect(r.stdout).toMatch(/- the collector at 127.0.0.1 refuses this agent: .*agent_key differs/);
  }, 60_000);
});
