/**
 * config.ini as people and tools write it, through the real CLI: a schedule no task
 * scheduler can keep is refused once, by config check (exit 2) as by install-task; a
 * key given twice is refused naming both lines; `config show` speaks in durations and
 * `--json` is typed; UTF-16 (PowerShell 5.1's `>`) and UTF-8 with a BOM are read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const work = tempDir('amr-config-');

let n = 0;
function file(text: string | Buffer): string {
  const path = join(work, `config-${n++}.ini`);
  writeFileSync(path, text);
  return path;
}

const BASE = ['[agent]', 'customer = ACME-0001', `data_dir = ${work}`, '[server]', 'urls = https://collector.example.net/amr', 'agent_key = k-123456'];

describe('config.ini', () => {
  it('every = 30s is refused by config check and install-task alike: one line, exit 2', async () => {
    const path = file([...BASE, '[schedule]', 'every = 30s'].join('\n'));
    const check = await amr(['config', 'check', '--config', path]);
    expect(check.code).toBe(2);
    expect(check.stderr.trim().split('\n')).toHaveLength(1);
    expect(check.stderr).toMatch(/\[schedule\] every = "30s" is not valid: expected a duration from 1m to 31d/);
    const task = await amr(['install-task', '--print', '--config', path]);
    expect(task.code).toBe(2);
    expect(task.stderr).toBe(check.stderr);
  });

  it('a key given twice is refused, naming both lines', async () => {
    const path = file([...BASE, '[snmp]', 'timeout = 2s', 'retries = 1', 'timeout = 5s'].join('\n'));
    const r = await amr(['config', 'check', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[snmp\] timeout is set twice, on line 8 and line 10; keep one/);
  });

  it('config show prints durations as durations; --json gives numbers, booleans and lists typed', async () => {
    const path = file([...BASE, '[snmp]', 'timeout = 1500ms', 'retries = 2', '[schedule]', 'every = 2h', '[web]', 'enabled = false'].join('\n'));
    const show = await amr(['config', 'show', '--config', path]);
    expect(show.stdout).toMatch(/^every = 2h$/m);
    expect(show.stdout).toMatch(/^time_budget = 15m$/m);
    expect(show.stdout).toMatch(/^timeout = 1500ms$/m);
    const json = JSON.parse((await amr(['config', 'show', '--json', '--config', path])).stdout);
    expect(json.schedule.every_ms).toBe(7_200_000);
    expect(json.snmp.retries).toBe(2);
    expect(json.web.enabled).toBe(false);
    expect(json.server.urls).toEqual(['https://collector.example.net/amr']);
    expect(json.server.agent_key).toBe('********');
  });

  it('UTF-16 LE with a BOM (PowerShell 5.1) and UTF-8 with a BOM are read as the same config', async () => {
    const text = [...BASE, '[snmp]', 'communities = büro-public'].join('\r\n') + '\r\n';
    const utf16 = file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const utf8 = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    for (const path of [utf16, utf8]) {
      const check = await amr(['config', 'check', '--config', path]);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
      const json = JSON.parse((await amr(['config', 'show', '--json', '--config', path])).stdout);
      expect(json.agent.customer).toBe('ACME-0001');
      expect(json.snmp.communities).toEqual(['********']);
    }
  });
});
