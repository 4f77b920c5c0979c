/** `amr read` as a technician runs it: output, exit codes, and one-line errors. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { loadExpected } from '../helpers/fixtures.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/tmp.js';

const PORT = 16164;
let fleet: Fleet;
beforeAll(async () => { fleet = await startFleet('127.0.26', PORT, ['konica_c250i', 'pm_kyocera_p2040']); });
afterAll(async () => { await fleet?.sim.stop(); });

describe('amr read', () => {
  it('prints the Reading as JSON', async () => {
    const r = await amr(['read', '127.0.26.1', '--port', String(PORT), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout);
    const expected = loadExpected('konica_c250i').printerMib;
    expect(reading.identity.serial).toBe(expected.serial);
    expect(reading.counters.total.value).toBe(expected.lifeCount);
    expect(reading.supplies.map((s: { levelPercent: number | null }) => s.levelPercent)).toEqual([76, 78, 77, 86, null]);
    expect(reading.supplies[4].state).toBe('someRemaining');
    expect(reading.sources).toBeUndefined();
  });

  it('prints a readable summary, with sources under --explain', async () => {
    const r = await amr(['read', '127.0.26.2', '--port', String(PORT), '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VD21457943');
    expect(r.stdout).toMatch(/total\s+7,432 impressions\s+<- 1\.3\.6\.1\.2\.1\.43\.10\.2\.1\.4\.1\.1/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR and not a TTY: no colour codes
  });

  it('reads several hosts; one failing does not stop the others, and the exit code says so', async () => {
    const r = await amr(['read', '127.0.26.1', '127.0.26.99', '127.0.26.2', '--port', String(PORT), '--timeout', '300ms', '--retries', '0', '--json']);
    expect(r.code).toBe(1);
    const readings = JSON.parse(r.stdout);
    expect(readings.map((x: { ok: boolean }) => x.ok)).toEqual([true, false, true]);
    // Printed as each finishes, yet in the order given: .2 is done long before .99 times out.
    expect(readings.map((x: { host: string }) => x.host)).toEqual(['127.0.26.1', '127.0.26.99', '127.0.26.2']);
    expect(r.stdout).toBe(JSON.stringify(readings, null, 2) + '\n');
    expect(r.stderr).toMatch(/^amr: 127\.0\.26\.99: nothing listening on UDP port 16164/);
  });

  it('prints summaries in the order the hosts were given, whichever finishes first', async () => {
    const r = await amr(['read', '127.0.26.98', '127.0.26.2', '127.0.26.1', '--port', String(PORT), '--timeout', '300ms', '--retries', '0']);
    expect(r.code).toBe(1);
    const at = (text: string) => r.stdout.indexOf(text);
    expect(at('127.0.26.98')).toBeGreaterThanOrEqual(0);
    expect(at('127.0.26.98')).toBeLessThan(at('VD21457943'));
    expect(at('VD21457943')).toBeLessThan(at(loadExpected('konica_c250i').printerMib.serial!));
  });

  it('rejects a bad option with one line and exit code 2', async () => {
    const r = await amr(['read', '127.0.26.1', '--snmp-version', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--snmp-version "4" is not valid');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('never prints a community given on the command line', async () => {
    const r = await amr(['read', '127.0.26.99', '--port', String(PORT), '--community', 'TopSecret99', '--timeout', '200ms', '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('TopSecret99');
  });
});

describe('config errors', () => {
  const dir = tempDir('amr-cli-');
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it.each([
    ['unknown key', '[agent]\ncustomer = X\n[snmp]\ntimout = 2s\n', /\[snmp\] unknown key "timout" \(did you mean "timeout"\?\)/],
    ['wrong type', '[agent]\ncustomer = X\n[snmp]\nretries = many\n', /\[snmp\] retries = "many" is not valid: expected a whole number/],
    ['bad URL', '[agent]\ncustomer = X\n[server]\nurls = not a url\n', /\[server\] urls = "not a url" is not valid/],
    ['bad CIDR', '[agent]\ncustomer = X\n[discovery]\ntargets = 10.0.0.0/33\n', /"10\.0\.0\.0\/33" is not a CIDR/],
    ['missing required key', '[agent]\nid = pc1\n', /\[agent\] customer is required/],
    ['unknown section', '[agent]\ncustomer = X\n[snmpp]\n', /unknown section \[snmpp\] \(did you mean "snmp"\?\)/],
  ])('%s: names file, section, key and value; exit 2', async (_name, text, pattern) => {
    const file = write(`${_name.replace(/ /g, '-')}.ini`, text);
    const r = await amr(['config', 'check', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('config show hides every secret', async () => {
    const file = write('secrets.ini', [
      '[agent]', 'customer = ACME', '[server]', 'urls = https://s1.example.net/amr', 'agent_key = AgentKey-123456',
      '[proxy]', 'url = http://proxy.example.net:3128', 'user = bob', 'password = ProxyPass-987',
      '[snmp]', 'communities = Comm-aaa, Comm-bbb',
      '[snmpv3.office]', 'user = monitor', 'auth_key = AuthKey-555', 'priv_protocol = aes', 'priv_key = PrivKey-666',
    ].join('\n'));
    const r = await amr(['config', 'show', '--config', file]);
    expect(r.code).toBe(0);
    for (const secret of ['AgentKey-123456', 'ProxyPass-987', 'Comm-aaa', 'Comm-bbb', 'AuthKey-555', 'PrivKey-666']) {
      expect(r.stdout).not.toContain(secret);
    }
    expect(r.stdout).toContain('user = monitor');
    expect(r.stdout).toContain('agent_key = ********');
  });

  it('the sample config.ini in the repository is valid and matches `amr config sample`', async () => {
    const sample = await amr(['config', 'sample']);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(import.meta.dirname, '..', '..', 'config.ini'), 'utf8')).toBe(sample.stdout);
    const check = await amr(['config', 'check', '--config', join(import.meta.dirname, '..', '..', 'config.ini')]);
    expect(check.code).toBe(0);
  });
});
