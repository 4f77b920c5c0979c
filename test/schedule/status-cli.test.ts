/**
 * `amr devices`, `amr devices add`, `amr status` and the log file, through the real CLI,
 * with a simulated printer (real UDP) and the test collector (real HTTP) on loopback.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startCollector, type Collector } from '../transport/helpers/collector.js';
import { loadRecording } from '../helpers/fixtures.js';
import { amr } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const PORT = 26181;
const HOST = '127.68.1.1';
const KEY = 'status-key';
const tmp = tempDir();
let sim: Simulator;
let collector: Collector;

beforeAll(async () => {
  sim = await startSimulator({ devices: [{ address: HOST, port: PORT, name: 'konica_c250i', varbinds: loadRecording('printers', 'konica_c250i') }] });
  collector = await startCollector({ host: '127.68.0.1', key: KEY, agentId: 'status-pc' });
});
afterAll(async () => {
  await sim?.stop();
  await collector?.close();
  tmp.cleanup();
});

function config(name: string, logLevel = 'info'): { file: string; data: string } {
  const data = join(tmp.path, name);
  const file = join(tmp.path, `${name}.ini`);
  writeFileSync(file, [
    '[agent]', 'customer = ACME-0001', 'id = status-pc', `data_dir = ${data}`, `log_level = ${logLevel}`,
    '[server]', `urls = ${collector.url}`, `agent_key = ${KEY}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
    '[proxy]', 'url = none', '[snmp]', `port = ${PORT}`, 'timeout = 500ms', 'retries = 0',
    '[discovery]', 'interval = 365d', '[web]', 'enabled = false',
  ].join('\n') + '\n');
  return { file, data };
}

describe('amr devices, status and the log', () => {
  it('devices add reads a printer by hand and keeps it; devices lists it; run reads it; status tells the story; amr.log has it', async () => {
    const { file, data } = config('full');
    expect((await amr(['devices', '--config', file])).stdout).toMatch(/No printers known/);
    const add = await amr(['devices', 'add', HOST, '--config', file], {}, 30_000);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^added 127\.68\.1\.1: .*serial AA2M021115700; amr run reads it from now on$/m);
    const list = await amr(['devices', '--config', file]);
    expect(list.stdout).toMatch(/127\.68\.1\.1\s+.*AA2M021115700\s+new/);
    expect((await amr(['devices', 'add', HOST, '--config', file])).stdout).toMatch(/already monitored/);

    const before = await amr(['status', '--config', file]);
    expect(before.stdout).toMatch(/last run:\s+never/);
    expect(before.stdout).toMatch(/inventory:\s+1 device\(s\), never discovered/);

    const run = await amr(['run', '--config', file], {}, 60_000);
    expect(run.code).toBe(0);
    const status = await amr(['status', '--config', file]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/last run:\s+\S+ \(\d+m ago\): ok, exit 0; read 1 of 1 device\(s\), delivered 1 message\(s\)/);
    expect(status.stdout).toMatch(/next run:\s+\S+ \(in (4h|3h|23\dm)\)/);
    expect(status.stdout).toMatch(/spool:\s+0 message\(s\), 0 bytes/);
    expect(status.stdout).toMatch(/last delivery: \S+ \(\d+m ago\) over http to http:\/\/127\.68\.0\.1/);
    expect(status.stdout).toMatch(/quarantine:\s+empty/);
    const json = JSON.parse((await amr(['status', '--json', '--config', file])).stdout);
    expect(json.lastRun.outcome).toBe('ok');
    expect(json.spool).toEqual({ messages: 0, bytes: 0, oldest: null });

    const log = readFileSync(join(data, 'amr.log'), 'utf8');
    expect(log).toMatch(/^\S+Z INFO  run ok \(exit 0\): read 1 of 1 device\(s\); sent 1 reading\(s\) \(new 1\) in 1 message\(s\); delivered 1, 0 in the spool$/m);
    expect(log).not.toContain(KEY);
  }, 90_000);

  it('[agent] log_level = error keeps a good run out of the log; a failing run is written', async () => {
    const { file, data } = config('quiet', 'error');
    await amr(['devices', 'add', HOST, '--config', file], {}, 30_000);
    expect((await amr(['run', '--config', file], {}, 60_000)).code).toBe(0);
    expect(existsSync(join(data, 'amr.log'))).toBe(false);
    writeFileSync(file, readFileSync(file, 'utf8').replace(`agent_key = ${KEY}`, 'agent_key = wrong-key-now'));
    sim.setValue(HOST, '1.3.6.1.2.1.43.10.2.1.4.1.1', { type: 'Counter32', value: 50_000 }, PORT);
    const bad = await amr(['run', '--config', file], {}, 60_000);
    expect(bad.code).toBe(2);
    expect(readFileSync(join(data, 'amr.log'), 'utf8')).toMatch(/ERROR run refused \(exit 2\)/);
  }, 90_000);

  it('devices add refuses what is not an address or a host name, before any network use (exit 2)', async () => {
    const { file } = config('bad');
    const r = await amr(['devices', 'add', '999.1.1.1', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"999\.1\.1\.1" is not a valid IPv4 address/);
  });
});
