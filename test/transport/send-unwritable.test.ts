/**
 * `amr send` when the spool cannot be written (found by bench/torture's read-only phase):
 * one line naming the folder and the fix, exit 2, never "internal error"; the spooled
 * message is untouched and goes with the first `amr send` once the folder is writable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spoolMessage } from '../../src/transport/deliver.js';
import { AGENT_ID, AGENT_KEY, configFile } from './helpers/config.js';
import { startCollector, type Collector } from './helpers/collector.js';
import { sampleReading } from './helpers/readings.js';
import { amr, buildDist, ROOT } from './helpers/cli.js';

const HOST = '127.77.3.41';
let server: Collector;
beforeAll(async () => {
  buildDist();
  server = await startCollector({ host: HOST, key: AGENT_KEY, agentId: AGENT_ID });
}, 60_000);
afterAll(async () => { await server.close(); });

function setup() {
  return configFile({ server: { urls: server.url, allow_http: true, timeout: '2s' } });
}
const spooled = (data: string) => (existsSync(join(data, 'spool')) ? readdirSync(join(data, 'spool')).filter((f) => /^\d-.*\.json$/.test(f)) : []);

describe('amr send with a spool it cannot write', () => {
  test('the spool path is a file: one line saying so, exit 2', async () => {
    const { data, file } = setup();
    writeFileSync(join(data, 'spool'), 'not a folder');
    const r = await amr(['send', '-c', file]).done;
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is a file, not a folder/);
    expect(r.code).toBe(2);
  });

  // A read-only data folder, for real: a read-only bind mount in a private mount namespace
  // (root with unshare); the test process itself still sees the folder writable.
  const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
  test.skipIf(!canMount)('a read-only data folder: one line naming it, exit 2, the message stays; delivered once the folder is writable', async () => {
    const { data, file, config } = setup();
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" "$3" send -c "$1/config.ini"';
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', data, process.execPath, join(ROOT, 'bin', 'amr.js')],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/read-only file system/);
    expect(r.stderr).toContain(data);
    expect(r.status).toBe(2);
    expect(server.stored.has(m!.messageId)).toBe(false);
    expect(spooled(data)).toHaveLength(1);

    const again = await amr(['send', '-c', file]).done;
    expect(again.code).toBe(0);
    expect(server.stored.has(m!.messageId)).toBe(true);
    expect(spooled(data)).toHaveLength(0);
  });

  test.skipIf(!canMount)('a read-only data folder holding a killed deliverer\'s lock and recovery guard: the same line, not "another amr process is delivering"', async () => {
    const { data, config } = setup();
    spoolMessage(config, 'readings', [sampleReading()]);
    const holder = (pid: number, at: string) => JSON.stringify({ pid, host: hostname(), startedAt: at, token: 'ab12' }) + '\n';
    writeFileSync(join(data, 'spool', '.lock'), holder(2 ** 22 + 1, '2026-01-01T00:00:00.000Z'));
    writeFileSync(join(data, 'spool', '.lock.recover'), holder(2 ** 22 + 2, '2026-01-01T00:00:00.000Z'));
    utimesSync(join(data, 'spool', '.lock.recover'), new Date('2026-01-01'), new Date('2026-01-01'));
    const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" "$3" send -c "$1/config.ini"';
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', data, process.execPath, join(ROOT, 'bin', 'amr.js')],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout + r.stderr).not.toMatch(/another amr process/);
    expect(r.stderr).toMatch(/read-only file system/);
    expect(r.status).toBe(2);
    expect(spooled(data)).toHaveLength(1);
  });

  test('a spool folder this account may not write (not root): one line, exit 2', async () => {
    if (process.getuid?.() === 0) return; // root writes anyway; the read-only test above covers it
    const { data, file, config } = setup();
    spoolMessage(config, 'readings', [sampleReading()]);
    mkdirSync(join(data, 'spool'), { recursive: true });
    spawnSync('chmod', ['0500', join(data, 'spool')]);
    try {
      const r = await amr(['send', '-c', file]).done;
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).toMatch(/permission denied/);
      expect(r.code).toBe(2);
    } finally {
      spawnSync('chmod', ['0700', join(data, 'spool')]);
      rmSync(data, { recursive: true, force: true });
    }
  });
});
