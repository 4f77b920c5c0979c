/**
 * The built CLI (bin/amr.js, as the scheduled task starts it): two `amr run` started
 * together on the same data folder, against a simulated fleet and the test collector.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startCollector, type Collector } from '../transport/helpers/collector.js';
import { loadRecording } from '../helpers/fixtures.js';
import { amr } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const PORT = 26162;
const NAMES = ['jetdirect', 'sharp_mxm266nv', 'okilan_9450g'];
const ADDR = (i: number) => `127.66.2.${i + 1}`;
const KEY = 'run-cli-agent-key';
const tmp = tempDir();
let sim: Simulator;
let collector: Collector;
let configFile: string;

beforeAll(async () => {
  // Replies slowed a little so the two runs surely overlap.
  sim = await startSimulator({ devices: NAMES.map((name, i) => ({ address: ADDR(i), port: PORT, name, varbinds: loadRecording('printers', name), delayMs: 40 })) });
  collector = await startCollector({ host: '127.66.0.3', key: KEY, agentId: 'cli-pc' });
  configFile = join(tmp.path, 'config.ini');
  writeFileSync(configFile, `[agent]
customer = ACME-0002
id = cli-pc
data_dir = ${tmp.path}
[server]
urls = ${collector.url}
agent_key = ${KEY}
allow_http = true
tcp_port = 0
udp_ports =
[snmp]
communities = public
port = ${PORT}
timeout = 1s
retries = 0
[discovery]
targets = ${ADDR(0)}-${ADDR(NAMES.length - 1)}
rate = 0
timeout = 500ms
retries = 0
[web]
enabled = false
`);
});
afterAll(async () => {
  await sim?.stop();
  await collector?.close();
  tmp.cleanup();
});

describe('amr run (CLI)', () => {
  it('two runs started together: one runs, the other exits 5 saying who holds the lock and since when', async () => {
    const [a, b] = await Promise.all([amr(['run', '--config', configFile]), amr(['run', '--config', configFile])]);
    const [ran, busy] = a.code === 5 ? [b, a] : [a, b];
    expect([ran.code, busy.code]).toEqual([0, 5]);
    expect(ran.stdout).toMatch(/^amr run: read 3 of 3 device\(s\) after rediscovery\n/);
    expect(ran.stdout).toContain('amr run: sent 3 reading(s) (new 3)');
    expect(busy.stdout).toBe('');
    expect(busy.stderr).toMatch(/^amr run: another amr run holds the lock: process \d+ on \S+, since \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ min ago\); this run does nothing\n$/);
    expect([...collector.stored.values()].flatMap((m) => m.readings)).toHaveLength(3);
  });

  it('the next run sends nothing; --json says so; no secret in any output', async () => {
    const r = await amr(['run', '--config', configFile, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ exitCode: 0, outcome: 'ok', rediscovered: false, read: 3, sends: [], messages: 0 });
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('bad config: one line, exit 2', async () => {
    const r = await amr(['run', '--config', join(tmp.path, 'nope.ini')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^amr: .*nope\.ini: cannot read config file \(it does not exist\)\n$/);
  });

  it('a file where the spool folder belongs: one line naming it, exit 2 (was an internal error)', async () => {
    const data = join(tmp.path, 'spool-is-file');
    mkdirSync(data);
    writeFileSync(join(data, 'spool'), '');
    const cfg = join(tmp.path, 'spool-is-file.ini');
    writeFileSync(cfg, readFileSync(configFile, 'utf8').replace(`data_dir = ${tmp.path}`, `data_dir = ${data}`));
    const r = await amr(['run', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`amr: ${join(data, 'spool')} is a file where amr keeps its spool folder; move or remove that file\n`);
  });
});
