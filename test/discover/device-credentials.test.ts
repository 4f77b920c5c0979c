/**
 * `amr discover` also asks with [device.ADDRESS] credentials, as `amr run` reads with them:
 * a device that answers only its own community (or its own SNMPv3 user) is found, and the
 * inventory remembers which credential answered by reference, never the secret; `amr run`
 * then asks with that credential first. Real simulator on loopback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { sweepCredentials } from '../../src/discover/credentials.js';
import { runDiscover } from '../../src/discover/run.js';
import { deviceReader, rememberedFrom } from '../../src/schedule/run.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { block, recording } from './helpers.js';

const { prefix, port } = block();
const OWN = `${prefix}.7`; // answers only its [device] community
const TWIN = `${prefix}.8`; // answers the same community but has no [device] section
const V3 = `${prefix}.9`; // answers only SNMPv3 user "ownuser"
const V3_OTHER = `${prefix}.10`; // same user, no [device] section
const user = { name: 'ownuser', authProtocol: 'sha' as const, authKey: 'own-auth-pass', privProtocol: 'aes' as const, privKey: 'own-priv-pass' };

const dir = mkdtempSync(join(tmpdir(), 'amr-discover-device-'));
let sim: Simulator;
let inventoryFile: string;
beforeAll(async () => {
  sim = await startSimulator({ devices: [
    { address: OWN, port, varbinds: recording('printers', 'pm_kyocera_p2040'), communities: ['d3vice-only'] },
    { address: TWIN, port, varbinds: recording('printers', 'brother'), communities: ['d3vice-only'] },
    { address: V3, port, varbinds: recording('printers', 'ricoh_mpc3002'), communities: [], v3Users: [user] },
    { address: V3_OTHER, port, varbinds: recording('printers', 'epson'), communities: [], v3Users: [user] },
  ] });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = parseConfig([
  '[agent]', 'customer = ACME', `data_dir = ${dir}`,
  '[snmp]', 'communities = public', 'version = 2c', `port = ${port}`, 'timeout = 1s', 'retries = 0',
  '[web]', 'enabled = false',
  '[snmpv3.own]', 'user = ownuser', 'auth_protocol = sha', 'auth_key = own-auth-pass', 'priv_protocol = aes', 'priv_key = own-priv-pass',
  `[device.${OWN}]`, 'community = d3vice-only',
  `[device.${V3}]`, 'snmpv3 = own',
].join('\n'), null);

describe('amr discover with [device.ADDRESS] credentials', () => {
  it('lists per address what amr run would ask with: its own community instead of [snmp] communities, its own v3 user first', () => {
    const c = parseConfig([
      '[snmp]', 'communities = public, second',
      '[snmpv3.a]', 'user = alice', 'auth_protocol = none', '[snmpv3.b]', 'user = bob', 'auth_protocol = none',
      '[device.10.0.0.5]', 'community = mine', '[device.10.0.0.6]', 'snmpv3 = b',
      '[device.10.0.0.7]', 'web = false', '[device.printer.example]', 'community = named', '[device.10.0.0.8]', 'community = gone', 'ignore = true',
    ].join('\n'), null);
    const { common, own } = sweepCredentials(c);
    expect(common.map((x) => x.label)).toEqual(['v3 user "alice" [snmpv3.a]', 'v3 user "bob" [snmpv3.b]', 'v2c community #1', 'v2c community #2', 'v1 community #1', 'v1 community #2']);
    // Only sections with credentials of their own, by IP address, not ignored.
    expect([...own.keys()]).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(own.get('10.0.0.5')!.map((x) => [x.label, x.ref])).toEqual([
      ['v3 user "alice" [snmpv3.a]', { version: '3', user: 'alice' }],
      ['v3 user "bob" [snmpv3.b]', { version: '3', user: 'bob' }],
      ['v2c community of [device.10.0.0.5]', { version: '2c', community: -1 }],
      ['v1 community of [device.10.0.0.5]', { version: '1', community: -1 }],
    ]);
    expect(own.get('10.0.0.6')!.map((x) => x.label).slice(0, 2)).toEqual(['v3 user "bob" [snmpv3.b]', 'v3 user "alice" [snmpv3.a]']);
    // --snmp-version 2c: v3 users only where a [device] names one.
    expect(sweepCredentials(c, '2c').own.get('10.0.0.6')!.map((x) => x.label)).toEqual(['v3 user "bob" [snmpv3.b]', 'v2c community #1', 'v2c community #2']);
  });

  it('finds the devices that answer only their own credential and remembers it by reference', async () => {
    const r = await runDiscover({ config, targets: [`${prefix}.1-${prefix}.20`], rate: 0, timeoutMs: 500, retries: 0 });
    expect(r.printers.map((p) => [p.ip, p.credential])).toEqual([
      [OWN, { version: '2c', community: -1 }],
      [V3, { version: '3', user: 'ownuser' }],
    ]);
    // Identified over the session, not only probed: serial and model from the device.
    expect(r.printers[0]).toMatchObject({ serial: 'VD21457943', model: 'ECOSYS P2040dw' });
    expect(r.printers[1]).toMatchObject({ serial: 'W492KB03439', vendor: 'Ricoh' });
    // The same community at an address without the section is not tried there (as amr run would not),
    // nor is the v3 user at another address when [snmp] version is 2c.
    expect(r.printers.map((p) => p.ip)).not.toContain(TWIN);
    expect(r.printers.map((p) => p.ip)).not.toContain(V3_OTHER);
    inventoryFile = r.inventoryFile!;
    expect(inventoryFile).toBe(join(dir, 'inventory.json'));
    const saved = readFileSync(inventoryFile, 'utf8');
    for (const secret of ['d3vice-only', 'own-auth-pass', 'own-priv-pass']) {
      expect(saved).not.toContain(secret);
      expect(JSON.stringify(r)).not.toContain(secret);
    }
  });

  it('amr run reads the device with the remembered [device] credential', async () => {
    const inv = JSON.parse(readFileSync(inventoryFile, 'utf8'));
    const before = sim.stats(OWN, port).dropped;
    const reading = await deviceReader(config, undefined, rememberedFrom(inv))(OWN);
    expect(reading.ok, reading.error).toBe(true);
    expect(reading.identity.serial).toBe('VD21457943');
    // It is asked with its own community only: the one unanswered datagram may be the empty port probe (src/snmp/port-probe.ts).
    expect(sim.stats(OWN, port).dropped - before).toBeLessThanOrEqual(1);
  });
});
