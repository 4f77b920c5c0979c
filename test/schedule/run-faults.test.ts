/**
 * `amr run` under faults, with simulated printers (real UDP on 127.67.x.y), the test
 * collector (real HTTP) and a real full disk (small tmpfs): a full disk still delivers
 * what is spooled; a stale spool lock is taken over; a read that never ends is cut at
 * the budget and delivery still happens; an overrun says so in its exit code.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { RUN_EXIT, runCycle, deviceReader } from '../../src/schedule/run.js';
import { Spool } from '../../src/transport/spool.js';
import { startCollector, type Collector } from '../transport/helpers/collector.js';
import { loadRecording } from '../helpers/fixtures.js';
import { mountTmpfs, type SmallDisk } from '../helpers/tmpfs.js';
import { tempDir } from './helpers.js';

const PORT = 26171;
const NAMES = ['jetdirect', 'konica_c250i', 'ricoh_mpc3002'];
const ADDR = (i: number) => `127.67.1.${i + 1}`;
const KEY = 'run-faults-key';

const tmp = tempDir();
let sim: Simulator;
let collector: Collector;
let disk: SmallDisk;

beforeAll(async () => {
  sim = await startSimulator({ devices: NAMES.map((name, i) => ({ address: ADDR(i), port: PORT, name, varbinds: loadRecording('printers', name) })) });
  collector = await startCollector({ host: '127.67.0.1', key: KEY, agentId: 'faults-pc' });
  disk = mountTmpfs(256);
});
afterAll(async () => {
  await sim?.stop();
  await collector?.close();
  disk?.unmount();
  tmp.cleanup();
});

function config(dataDir: string, over: { url?: string; schedule?: string } = {}): Config {
  const devices = NAMES.map((_, i) => `[device.${ADDR(i)}]\nignore = false`).join('\n');
  const text = `
[agent]
customer = ACME-0001
id = faults-pc
data_dir = ${dataDir}
[server]
urls = ${over.url ?? collector.url}
agent_key = ${KEY}
allow_http = true
timeout = 2s
tcp_port = 0
udp_ports =
[snmp]
port = ${PORT}
timeout = 400ms
retries = 0
[discovery]
interval = 365d
[schedule]
${over.schedule ?? 'time_budget = 60s'}
[web]
enabled = false
${devices}`;
  return parseConfig(text, join(dataDir, 'config.ini'));
}

const stored = () => new Set(collector.stored.keys());
const noDiscovery = async () => null;

describe('amr run on a full disk', () => {
  it('delivers what is already spooled, keeps state.json whole, and says the disk is full (exit 4)', async () => {
    const dataDir = join(disk.path, 'data');
    // Collector down: the first run spools every device.
    const first = await runCycle(config(dataDir, { url: 'http://127.67.0.2:9/amr' }), { discover: noDiscovery });
    expect(first.exitCode).toBe(RUN_EXIT.undelivered);
    const waiting = new Spool(join(dataDir, 'spool')).list().map((e) => e.message.messageId);
    expect(waiting.length).toBeGreaterThan(0);
    // The printers print; the disk fills up.
    sim.setValue(ADDR(1), '1.3.6.1.2.1.43.10.2.1.4.1.1', { type: 'Counter32', value: 99_999 }, PORT);
    disk.fill();
    const before = stored();
    // (force: the first run's failure set a 30 s backoff; runs come hours apart)
    const second = await runCycle(config(dataDir), { discover: noDiscovery, flush: { force: true } });
    expect(second.delivery?.delivered).toBe(waiting.length);
    expect(waiting.every((id) => collector.stored.has(id) && !before.has(id))).toBe(true);
    expect(second.notes.join('\n')).toMatch(/the disk is full \(ENOSPC\); free space on the disk of .*; this run's readings are sent by the next run/);
    expect(second.exitCode).toBe(RUN_EXIT.undelivered);
    // Space again: the next run sends what the full disk held back.
    disk.unfill();
    const third = await runCycle(config(dataDir), { discover: noDiscovery });
    expect(third.exitCode).toBe(RUN_EXIT.ok);
    expect(third.sends.some((s) => s.reading.host === ADDR(1))).toBe(true);
  });
});

describe('a stale spool lock', () => {
  it('of a process that is gone is taken over: the run delivers and the journal says so', async () => {
    const dataDir = join(tmp.path, 'stale-lock');
    const spoolDir = join(dataDir, 'spool');
    new Spool(spoolDir).lock()?.(); // create the folder
    writeFileSync(join(spoolDir, '.lock'), JSON.stringify({ pid: 2147483646, host: hostname(), startedAt: new Date().toISOString(), token: 'x' }));
    const r = await runCycle(config(dataDir), { discover: noDiscovery });
    expect(r.delivery?.busy).toBe(false);
    expect(r.delivery?.delivered).toBeGreaterThan(0);
    expect(r.exitCode).toBe(RUN_EXIT.ok);
  });

  it('of a live process on another host, older than the limit, is taken over too', async () => {
    const dataDir = join(tmp.path, 'old-lock');
    const spoolDir = join(dataDir, 'spool');
    new Spool(spoolDir).lock()?.();
    const old = new Date(Date.now() - 6 * 3_600_000).toISOString();
    writeFileSync(join(spoolDir, '.lock'), JSON.stringify({ pid: process.pid, host: 'another-pc', startedAt: old, token: 'y' }));
    const r = await runCycle(config(dataDir), { discover: noDiscovery });
    expect(r.delivery?.busy).toBe(false);
    expect(r.delivery?.remaining).toBe(0);
  });

  it('held by a live deliverer: the run does not report plain success while its messages wait (exit 4)', async () => {
    const dataDir = join(tmp.path, 'live-lock');
    const release = new Spool(join(dataDir, 'spool')).lock()!;
    try {
      const r = await runCycle(config(dataDir), { discover: noDiscovery });
      expect(r.delivery?.busy).toBe(true);
      expect(r.exitCode).toBe(RUN_EXIT.undelivered);
    } finally {
      release();
    }
  });
});

describe('the time budget', () => {
  it('a read that never ends is cut at the budget: the others are delivered, the run says a device was left (exit 3)', async () => {
    const dataDir = join(tmp.path, 'hang');
    const cfg = config(dataDir, { schedule: 'time_budget = 3s' });
    const real = deviceReader(cfg);
    // One device answers ever more slowly (an endless walk): its read never finishes.
    const readHost = (host: string) => (host === ADDR(0) ? new Promise<never>(() => {}) : real(host));
    const before = stored();
    const started = Date.now();
    const r = await runCycle(cfg, { readHost, discover: noDiscovery });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(r.unread).toEqual([ADDR(0)]);
    expect(r.delivery?.delivered).toBeGreaterThan(0);
    expect([...collector.stored.keys()].filter((id) => !before.has(id)).length).toBe(r.delivery?.delivered);
    expect(r.exitCode).toBe(RUN_EXIT.unreachable);
    expect(r.notes.join(' ')).toMatch(/time budget spent: 1 device\(s\) left for the next run/);
  });

  it('messages the budget left no time for are said in the exit code (4), not reported as success', async () => {
    const dataDir = join(tmp.path, 'late');
    let clock = Date.parse('2026-03-10T08:00:00Z');
    const cfg = config(dataDir, { schedule: 'time_budget = 10s' });
    const real = deviceReader(cfg);
    // Every read eats 3 s of the run's clock and each delivery 2 s: the budget runs out mid-delivery.
    const readHost = async (host: string) => { clock += 3000; return real(host); };
    const r = await runCycle(cfg, { readHost, discover: noDiscovery, now: () => (clock += 1000) });
    expect(r.delivery?.late).toBeGreaterThan(0);
    expect(r.exitCode).toBe(RUN_EXIT.undelivered);
    expect(r.notes.join(' ')).toMatch(/time budget spent before \d+ message\(s\) could be tried; they stay spooled/);
  });
});
