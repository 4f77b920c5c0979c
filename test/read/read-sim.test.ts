/** `amr read` over real UDP against the project's simulator serving real recordings. */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/snmp/credentials.js';
import { decodeReading } from '../../src/reading/decode.js';
import { readDevice } from '../../src/pipeline/read-device.js';
import type { Reading } from '../../src/reading/types.js';
import { decodeMessage } from '../../src/snmp/ber.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { loadRecording, recordingNames } from '../helpers/fixtures.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';

const PORT = 16161;
const v2c: Credential = { version: '2c', community: 'public', label: 'v2c community #1' };
const v1: Credential = { version: '1', community: 'public', label: 'v1 community #1' };
const session = { port: PORT, timeoutMs: 400, retries: 0, maxRepetitions: 25 };

/** The parts of a Reading that do not depend on when or how it was read. */
function stable(r: Reading) {
  const { readAt: _t, ...rest } = r;
  return rest;
}

let fleet: Fleet;
beforeAll(async () => { fleet = await startFleet('127.0.21', PORT); });
afterAll(async () => { await fleet?.sim.stop(); });

describe('reading every recording over SNMPv2c', () => {
  it.each(recordingNames('printers'))('%s: the network read equals the decode of the recording', async (name) => {
    const addr = fleet.address.get(name)!;
    const { reading, requests } = await readDevice(addr, { ...session, credentials: [v2c] });
    expect(reading.error).toBeUndefined();
    expect(reading.ok).toBe(true);
    const offline = decodeReading(addr, loadRecording('printers', name), { ip: addr });
    expect(stable(reading)).toEqual(stable(offline));
    // Only the columns needed, by GETBULK: a handful of requests, never a walk of the MIB.
    expect(requests).toBeLessThanOrEqual(30);
  });
});

describe('SNMPv1', () => {
  it('reads the same counters and supplies by GETNEXT', async () => {
    const addr = fleet.address.get('konica_c250i')!;
    const one = (await readDevice(addr, { ...session, credentials: [v1] })).reading;
    const two = (await readDevice(addr, { ...session, credentials: [v2c] })).reading;
    expect(one.ok).toBe(true);
    expect(one.counters.total).toEqual(two.counters.total);
    expect(one.supplies).toEqual(two.supplies);
    expect(one.identity.serial).toBe(two.identity.serial);
  });
});

describe('bad input', () => {
  it('an address where nothing listens on the port is told at once, not after every timeout (ICMP port unreachable)', async () => {
    const started = Date.now();
    const { reading } = await readDevice('127.0.21.250', { ...session, timeoutMs: 2000, retries: 1, credentials: [v2c, v1] });
    expect(reading.ok).toBe(false);
    expect(reading.error).toBe(`nothing listening on UDP port ${PORT} at 127.0.21.250 (port unreachable): SNMP is off on the device, or the port is wrong ([snmp] port / --port)`);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a device that stays silent (wrong community) is not reported as a closed port', async () => {
    const addr = fleet.address.get('brother')!;
    const { reading } = await readDevice(addr, { ...session, credentials: [{ version: '2c', community: 'wrong', label: 'v2c community #1' }] });
    expect(reading.error).toMatch(/^no SNMP reply \(v2c community #1\)/);
    expect(reading.error).not.toMatch(/nothing listening/);
  });

  it('a wrong community is reported without revealing it, and the next credential is tried', async () => {
    const addr = fleet.address.get('brother')!;
    const wrong: Credential = { version: '2c', community: 'sekrit-wrong', label: 'v2c community #1' };
    const bad = await readDevice(addr, { ...session, credentials: [wrong] });
    expect(bad.reading.ok).toBe(false);
    expect(bad.reading.error).toMatch(/community/);
    expect(JSON.stringify(bad.reading)).not.toContain('sekrit-wrong');
    const good = await readDevice(addr, { ...session, credentials: [wrong, { ...v2c, label: 'v2c community #2' }] });
    expect(good.reading.ok).toBe(true);
    expect(good.credential).toBe('v2c community #2');
  });

  it('a host name that does not resolve is a per-device error; one that does is read at its address', async () => {
    // An injected resolver: tests never ask a real DNS server (the network rule).
    const resolve = async (h: string) => {
      if (h === 'copier.test') return fleet.address.get('konica_c250i')!;
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
    };
    const good = await readDevice('copier.test', { ...session, credentials: [v2c], resolve });
    expect(good.reading.ok).toBe(true);
    expect(good.reading.host).toBe('copier.test');
    expect(good.reading.identity.ip).toBe(fleet.address.get('konica_c250i'));
    const { reading } = await readDevice('no-such-printer.test', { ...session, credentials: [v2c], resolve });
    expect(reading.ok).toBe(false);
    expect(reading.error).toMatch(/cannot resolve/);
  });
});

describe('devices that misbehave', () => {
  let sim: Simulator;
  const varbinds = loadRecording('printers', 'konica_c250i');
  beforeAll(async () => {
    const rows = [];
    // A device with a 10,000-row supplies table.
    for (let i = 1; i <= 10_000; i++) {
      rows.push({ oid: `1.3.6.1.2.1.43.11.1.1.9.1.${i}`, type: 'Integer' as const, value: i % 100 });
      rows.push({ oid: `1.3.6.1.2.1.43.11.1.1.8.1.${i}`, type: 'Integer' as const, value: 100 });
    }
    sim = await startSimulator({
      devices: [
        { address: '127.0.22.1', port: PORT, varbinds, garbage: true },
        { address: '127.0.22.2', port: PORT, varbinds, dropBulkAbove: 5 },
        { address: '127.0.22.3', port: PORT, varbinds: [...varbinds.filter((v) => !v.oid.startsWith('1.3.6.1.2.1.43.11.')), ...rows] },
        // Slow (150 ms a reply) and a 10,000-row supplies table: an endless slow walk.
        { address: '127.0.22.5', port: PORT, delayMs: 150, maxRepetitionsLimit: 2, varbinds: [...varbinds.filter((v) => !v.oid.startsWith('1.3.6.1.2.1.43.11.')), ...rows] },
        { address: '127.0.22.4', port: PORT, varbinds: [
          ...varbinds.filter((v) => !v.oid.startsWith('1.3.6.1.2.1.43.10.2.1.4.')),
          { oid: '1.3.6.1.2.1.43.10.2.1.4.1.1', type: 'Integer', value: -42 },
        ] },
      ],
    });
  });
  afterAll(async () => { await sim?.stop(); });

  it('a device answering garbage gives an error, not a crash', async () => {
    const { reading } = await readDevice('127.0.22.1', { ...session, credentials: [v2c] });
    expect(reading.ok).toBe(false);
    expect(reading.error).toBeTruthy();
  });

  it('an agent that drops large GETBULKs is still read, with smaller ones', async () => {
    const { reading } = await readDevice('127.0.22.2', { ...session, credentials: [v2c] });
    expect(reading.ok).toBe(true);
    expect(reading.counters.total?.value).toBe(33810);
    expect(reading.supplies).toHaveLength(5);
  });

  it('a 10,000-row table is read, bounded and flagged; only the rows the decoder uses are fetched and kept', async () => {
    const { reading, requests } = await readDevice('127.0.22.3', { ...session, timeoutMs: 2000, credentials: [v2c] });
    expect(reading.ok).toBe(true);
    expect(reading.supplies.length).toBe(1000);
    expect(reading.flags.map((f) => f.code)).toContain('tooManyRows');
    // 1,001 rows of two columns at up to 24 per GETBULK, plus the other tables: not the 10,000 rows' 800 requests.
    expect(requests).toBeLessThan(150);
  }, 60_000);

  it('a slow endless walk is cut at the device\'s time limit, and what was read is kept and flagged', async () => {
    const started = Date.now();
    const { reading } = await readDevice('127.0.22.5', { ...session, timeoutMs: 2000, credentials: [v2c], deviceTimeLimitMs: 2500 });
    const took = Date.now() - started;
    expect(took).toBeLessThan(2500 + 2000 + 1000); // the limit, at most one request in flight, slack
    expect(reading.ok).toBe(true);
    expect(reading.identity.serial).toBeTruthy();
    expect(reading.flags.find((f) => f.code === 'partialRead')?.message).toMatch(/time limit was reached/);
  }, 20_000);

  it('a negative counter is flagged and not reported as the total', async () => {
    const { reading } = await readDevice('127.0.22.4', { ...session, credentials: [v2c] });
    expect(reading.ok).toBe(true);
    expect(reading.counters.total).toBeUndefined();
    expect(reading.flags.map((f) => f.code)).toContain('counterNegative');
  });
});

describe('read-only', () => {
  it('a full read sends only GET, GETNEXT and GETBULK requests (v1 and v2c), never SET', async () => {
    // A relay between the agent and the simulator decodes every request it forwards.
    const target = fleet.address.get('sharp_mxm266nv')!;
    const seen = new Set<string>();
    const relay = createSocket('udp4');
    const upstream = createSocket('udp4');
    let client: { address: string; port: number } | null = null;
    relay.on('message', (msg, rinfo) => {
      // The port probe: one empty datagram, no SNMP at all (src/snmp/port-probe.ts).
      if (msg.length === 0) { seen.add('empty probe'); return; }
      client = { address: rinfo.address, port: rinfo.port };
      const decoded = decodeMessage(msg);
      seen.add('pdu' in decoded ? decoded.pdu.type : 'v3');
      upstream.send(msg, PORT, target);
    });
    upstream.on('message', (msg) => { if (client) relay.send(msg, client.port, client.address); });
    await new Promise<void>((res) => relay.bind(PORT, '127.0.23.1', res));
    try {
      for (const credential of [v2c, v1]) {
        const { reading } = await readDevice('127.0.23.1', { ...session, credentials: [credential] });
        expect(reading.ok).toBe(true);
      }
    } finally {
      relay.close();
      upstream.close();
    }
    expect([...seen].sort()).toEqual(['GetBulkRequest', 'GetNextRequest', 'GetRequest', 'empty probe']);
  });
});
