/** Every config.ini key is documented in the README, and the loader's defaults parse. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMED_SCHEMA, SCHEMA } from '../../src/config/schema.js';
import { parseConfig } from '../../src/config/load.js';
import { parseDuration } from '../../src/config/duration.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('config documentation', () => {
  const keys = [
    ...Object.entries(SCHEMA).flatMap(([s, spec]) => Object.keys(spec).map((k) => [s, k])),
    ...Object.keys(NAMED_SCHEMA.snmpv3).map((k) => ['snmpv3.NAME', k]),
    ...Object.keys(NAMED_SCHEMA.device).map((k) => ['device.ADDRESS', k]),
  ];
  it.each(keys)('[%s] %s is in the README table', (section, key) => {
    expect(readme).toContain(`| \`[${section}]\` | \`${key}\` |`);
  });
});

describe('config loading', () => {
  it('built-in defaults are complete and typed', () => {
    const c = parseConfig('', null);
    expect(c.snmp.timeout).toBe(2000);
    expect(c.snmp.communities).toEqual(['public']);
    expect(c.server.udp_ports).toEqual([1010, 1202]);
    expect(c.discovery.rate).toBe(500);
    expect(c.agent.id.length).toBeGreaterThan(0);
  });

  it('named sections become typed lists and maps', () => {
    const c = parseConfig([
      '[agent]', 'customer = ACME',
      '[snmpv3.office]', 'user = mon', 'auth_protocol = sha256', 'auth_key = 12345678',
      '[device.192.168.1.20]', 'web = off', 'snmpv3 = office',
    ].join('\n'), 'x.ini');
    expect(c.snmpv3).toEqual([{ name: 'office', user: 'mon', auth_protocol: 'sha256', auth_key: '12345678', priv_protocol: 'none', priv_key: null, context: '' }]);
    expect(c.device['192.168.1.20']?.web).toBe(false);
  });

  it('a device section naming a missing SNMPv3 user is an error', () => {
    expect(() => parseConfig('[agent]\ncustomer=A\n[device.10.0.0.1]\nsnmpv3 = nope\n', 'x.ini')).toThrow(/names no \[snmpv3\.nope\] section/);
  });

  it('plain http server URLs need allow_http', () => {
    expect(() => parseConfig('[agent]\ncustomer=A\n[server]\nurls = http://s1.example.net\n', 'x.ini')).toThrow(/plain HTTP/);
    expect(parseConfig('[agent]\ncustomer=A\n[server]\nurls = http://s1.example.net\nallow_http = yes\n', 'x.ini').server.urls).toEqual(['http://s1.example.net']);
  });

  it('durations', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('4h')).toBe(14_400_000);
    expect(parseDuration('soon')).toBeNull();
  });
});
