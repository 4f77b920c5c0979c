/**
 * amr run against a simulated fleet (real UDP on 127.66.x.y) and the test collector
 * (real HTTP on loopback): first cycle sends all, an immediate second sends nothing,
 * a toner drop of 5 points sends only that device; unreachable, undelivered, busy, budget.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { readRunRecords } from '../../src/schedule/run-log.js';
import { RUN_EXIT, runCycle, hostsToRead, rediscoveryTargets, deviceReader } from '../../src/schedule/run.js';
import { loadState } from '../../src/schedule/state.js';
import { acquireRunLock } from '../../src/schedule/lock.js';
import { startCollector, type Collector } from '../transport/helpers/collector.js';
import { loadRecording } from '../helpers/fixtures.js';
import { tempDir } from './helpers.js';
import type { Message } from '@amr/protocol';

const PORT = 26161;
const NAMES = ['jetdirect', 'canonprinter_lbp', 'konica_c250i', 'ricoh_mpc3002'];
const ADDR = (i: number) => `127.66.1.${i + 1}`;
const KEY = 'run-test-agent-key';
const LEVEL = '1.3.6.1.2.1.43.11.1.1.9.1.1';

const tmp = tempDir();
let sim: Simulator;
let collector: Collector;

beforeAll(async () => {
  sim = await startSimulator({ devices: NAMES.map((name, i) => ({ address: ADDR(i), port: PORT, name, varbinds: loadRecording('printers', name) })) });
  collector = await startCollector({ host: '127.66.0.1', key: KEY, agentId: 'run-test-pc' });
});
afterAll(async () => {
  await sim?.stop();
  await collector?.close();
  tmp.cleanup();
});

function config(dataDir: string, over: { url?: string; extra?: string; schedule?: string } = {}): Config {
  mkdirSync(dataDir, { recursive: true });
  const text = `
[agent]
customer = ACME-0001
id = run-test-pc
data_dir = ${dataDir}
[server]
urls = ${over.url ?? collector.url}
agent_key = ${KEY}
allow_http = true
timeout = 3s
tcp_port = 0
udp_ports =
[snmp]
communities = public
port = ${PORT}
timeout = 1s
retries = 1
[discovery]
targets = 127.66.1.1-127.66.1.6
rate = 0
timeout = 400ms
retries = 0
interval = 24h
[schedule]
${over.schedule ?? 'time_budget = 60s'}
[web]
enabled = false
${over.extra ?? ''}`;
  const file = join(dataDir, 'config.ini');
  writeFileSync(file, text);
  return parseConfig(text, file);
}

const storedReadings = (since: Set<string>) => [...collector.stored.values()].filter((m) => !since.has(m.messageId));
const ids = () => new Set(collector.stored.keys());
const hostsOf = (msgs: Message[]) => msgs.flatMap((m) => m.readings.map((r) => [r.host, r.reason])).sort();

describe('amr run cycle', () => {
  it('first cycle sends every device, a second sends nothing, a 5-point toner drop sends only that device', async () => {
    const dataDir = join(tmp.path, 'fleet');
    const cfg = config(dataDir);

    let before = ids();
    const first = await runCycle(cfg);
    expect(first.notes).toEqual([]);
    expect(first.rediscovered).toBe(true);
    expect(first.hosts.sort()).toEqual(NAMES.map((_, i) => ADDR(i)).sort());
    expect(first.readings.every((r) => r.ok)).toBe(true);
    expect(first.sends.map((s) => s.reason)).toEqual(['new', 'new', 'new', 'new']);
    expect(first.exitCode).toBe(RUN_EXIT.ok);
    expect(first.delivery?.delivered).toBeGreaterThan(0);
    expect(first.delivery?.remaining).toBe(0);
    expect(hostsOf(storedReadings(before))).toEqual(NAMES.map((_, i) => [ADDR(i), 'new']).sort());

    before = ids();
    const second = await runCycle(cfg);
    expect(second.rediscovered).toBe(false);
    expect(second.readings.filter((r) => r.ok)).toHaveLength(4);
    expect(second.sends).toEqual([]);
    expect(second.messages).toBe(0);
    expect(storedReadings(before)).toEqual([]);
    expect(second.exitCode).toBe(RUN_EXIT.ok);

    // konica_c250i's black toner: 76 of 100 -> 71.
    const konica = ADDR(2);
    expect(sim.getValue(konica, LEVEL, PORT)?.value).toBe(76);
    sim.setValue(konica, LEVEL, { type: 'Integer', value: 71 }, PORT);
    before = ids();
    const third = await runCycle(cfg);
    expect(third.sends.map((s) => [s.reading.host, s.reason])).toEqual([[konica, 'supply']]);
    expect(hostsOf(storedReadings(before))).toEqual([[konica, 'supply']]);
    expect(third.exitCode).toBe(RUN_EXIT.ok);

    // The journal of runs tells the story.
    const runs = readRunRecords(dataDir);
    expect(runs.map((r) => [r.outcome, r.sent])).toEqual([['ok', { new: 4 }], ['ok', {}], ['ok', { supply: 1 }]]);
    expect(JSON.stringify(runs)).not.toContain(KEY);
  });

  it('an unreachable device: exit 3, reported missing once (missing_after 0)', async () => {
    const dataDir = join(tmp.path, 'unreachable');
    // 127.66.1.9 has no simulated device: a configured printer that is switched off.
    const cfg = config(dataDir, { schedule: 'missing_after = 0', extra: '[device.127.66.1.9]\nignore = false' });
    await runCycle(cfg); // learns the fleet; .9 never answered: reported once as missing
    const r = await runCycle(cfg);
    expect(r.unreachable).toEqual(['127.66.1.9']);
    expect(r.exitCode).toBe(RUN_EXIT.unreachable);
    expect(r.sends).toEqual([]); // already reported in the first run
    const first = readRunRecords(dataDir)[0]!;
    expect(first.sent).toEqual({ new: 4, missing: 1 });
    expect(first.exitCode).toBe(RUN_EXIT.unreachable);
  });

  it('collector down: exit 4, messages stay spooled and go with the next run', async () => {
    const dataDir = join(tmp.path, 'undelivered');
    const down = config(dataDir, { url: 'http://127.66.0.2:9/amr' });
    const r = await runCycle(down);
    expect(r.exitCode).toBe(RUN_EXIT.undelivered);
    expect(r.delivery?.remaining).toBeGreaterThan(0);
    expect(r.notes.join(' ')).toMatch(/could not be delivered and stay spooled/);
    expect(loadState(dataDir).state.devices).not.toEqual({}); // sent = spooled; not sent twice
    const before = ids();
    const up = config(dataDir);
    const next = await runCycle(up, { flush: { force: true } });
    expect(next.sends).toEqual([]);
    expect(next.exitCode).toBe(RUN_EXIT.ok);
    expect(hostsOf(storedReadings(before))).toEqual(NAMES.map((_, i) => [ADDR(i), 'new']).sort());
  });

  it('a run while another holds the lock does nothing and says who holds it', async () => {
    const dataDir = join(tmp.path, 'busy');
    const cfg = config(dataDir);
    const held = acquireRunLock(dataDir, { staleAfterMs: 3_600_000 });
    expect(held.acquired).toBe(true);
    const r = await runCycle(cfg);
    expect(r.exitCode).toBe(RUN_EXIT.busy);
    expect(r.notes[0]).toMatch(new RegExp(`another amr run holds the lock: process ${process.pid} on .*, since .*; this run does nothing`));
    expect(r.hosts).toEqual([]);
    if (held.acquired) held.lock.release();
    expect(readdirSync(join(dataDir))).not.toContain('state.json');
  });

  it('two runs started together: one runs, the other exits busy', async () => {
    const dataDir = join(tmp.path, 'together');
    const cfg = config(dataDir);
    const [a, b] = await Promise.all([runCycle(cfg), runCycle(cfg)]);
    expect([a.exitCode, b.exitCode].sort()).toEqual([RUN_EXIT.ok, RUN_EXIT.busy]);
  });

  it('a spent time budget stops reading cleanly; the unread devices go first next time', async () => {
    const dataDir = join(tmp.path, 'budget');
    const devices = NAMES.map((_, i) => `[device.${ADDR(i)}]\nignore = false`).join('\n');
    const base = config(dataDir, { schedule: 'time_budget = 2s', extra: devices });
    const cfg = { ...base, snmp: { ...base.snmp, concurrency: 1 } };
    let clock = Date.parse('2026-03-10T08:00:00Z');
    const now = () => clock;
    // Each read costs 600 ms of the run's clock; reading may use 80 % of 2 s: 3 of 4 start.
    const real = deviceReader(cfg);
    const readHost = async (host: string) => { clock += 600; return real(host); };
    const noDiscovery = async () => {};
    const first = await runCycle(cfg, { now, readHost, discover: noDiscovery });
    expect(first.readings).toHaveLength(3);
    expect(first.unread).toHaveLength(1);
    expect(first.notes.join(' ')).toMatch(/time budget spent: 1 device\(s\) left for the next run/);
    // Devices left unread: the run says so (exit 3), it does not report plain success.
    expect(first.exitCode).toBe(RUN_EXIT.unreachable);
    expect(first.delivery?.delivered).toBe(1);
    clock += 4 * 3_600_000;
    const second = await runCycle(cfg, { now, readHost, discover: noDiscovery });
    expect(second.hosts[0]).toBe(first.unread[0]);
    expect(second.sends.map((s) => [s.reading.host, s.reason])).toEqual([[first.unread[0], 'new']]);
  });
});

describe('what a run reads', () => {
  it('inventory plus configured devices, minus ignored ones', () => {
    const cfg = parseConfig('[device.10.0.0.5]\nignore = false\n[device.10.0.0.6]\nignore = true\n', null);
    const inv = { version: 1 as const, updated: null, devices: [{ ip: '10.0.0.4' }, { ip: '10.0.0.6' }] as never[] };
    expect(hostsToRead(inv, cfg)).toEqual(['10.0.0.4', '10.0.0.5']);
  });

  it('rediscovers configured targets, else what was swept before; never a fresh subnet once printers are known', () => {
    const none = parseConfig('', null);
    const known = { version: 1 as const, updated: null, devices: [{ ip: '10.0.0.4' }] as never[] };
    expect(rediscoveryTargets(known, parseConfig('[discovery]\ntargets = 10.0.0.0/29\n', null))).toEqual(['10.0.0.0/29']);
    expect(rediscoveryTargets({ ...known, swept: ['10.0.0.0/24'] }, none)).toEqual(['10.0.0.0/24']);
    // Added by hand (devices add) or as [device.X]: read, nothing swept.
    expect(rediscoveryTargets(known, none)).toBeNull();
    expect(rediscoveryTargets({ version: 1, updated: null, devices: [] }, parseConfig('[device.10.0.0.5]\n', null))).toBeNull();
    // A fresh install that knows no printer: the host's own subnets (the empty list).
    expect(rediscoveryTargets({ version: 1, updated: null, devices: [] }, none)).toEqual([]);
  });
});
