/**
 * WireSession (amr's own codec) against SnmpSession (net-snmp), both over real UDP
 * against the simulator: the same varbinds in the same order, the same request
 * counts, the same errors.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_SCALARS, READ_TABLES } from '../../src/reading/oids.js';
import type { Credential, V3User } from '../../src/snmp/credentials.js';
import { SnmpError, SnmpSession } from '../../src/snmp/session.js';
import type { Varbind } from '../../src/snmp/types.js';
import { WireSession } from '../../src/snmp/wire-session.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { loadRecording, recordingNames } from '../helpers/fixtures.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';

const PORT = 16191;
const V3_PORT = 16192;
const options = { port: PORT, timeoutMs: 400, retries: 0, maxRepetitions: 25 };
const v2c: Credential = { version: '2c', community: 'public', label: 'v2c community #1' };
const v1: Credential = { version: '1', community: 'public', label: 'v1 community #1' };
const v3 = (user: Partial<V3User> & { name: string }): Credential => ({
  version: '3', label: `v3 user "${user.name}"`,
  user: { authProtocol: 'none', authKey: '', privProtocol: 'none', privKey: '', context: '', ...user },
});

type Session = SnmpSession | WireSession;
type Ctor = new (host: string, credential: Credential, o: typeof options) => Session;

/** What readDevice asks of a session: the scalars, then every table group, 4 at a time. */
async function readAll(Cls: Ctor, host: string, credential: Credential, o = options) {
  const s = new Cls(host, credential, o);
  try {
    const scalars = await s.get(READ_SCALARS);
    const tables: Varbind[][] = new Array(READ_TABLES.length);
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < READ_TABLES.length) {
        const i = next++;
        tables[i] = await s.walkColumns(READ_TABLES[i]!);
      }
    }));
    return { scalars, tables, requests: s.requests };
  } finally {
    s.close();
  }
}

/** The outcome of an operation: its value, or the error's class, kind and message. */
async function outcome<T>(run: () => Promise<T>): Promise<{ value?: T; error?: { name: string; kind?: string; message: string } }> {
  try {
    return { value: await run() };
  } catch (e) {
    const err = e as Error;
    return { error: { name: err.name, kind: err instanceof SnmpError ? err.kind : undefined, message: err.message } };
  }
}

async function both<T>(host: string, credential: Credential, op: (s: Session) => Promise<T>, o = options) {
  const run = async (Cls: Ctor) => {
    const s = new Cls(host, credential, o);
    const started = Date.now();
    try {
      return { ...(await outcome(() => op(s))), ms: Date.now() - started, requests: s.requests };
    } finally {
      s.close();
    }
  };
  return { net: await run(SnmpSession), wire: await run(WireSession) };
}

let fleet: Fleet;
beforeAll(async () => { fleet = await startFleet('127.0.61', PORT); });
afterAll(async () => { await fleet?.sim.stop(); });

describe('WireSession reads what SnmpSession reads', () => {
  it('every recording over v2c: same scalars, same table varbinds in the same order, same request count', async () => {
    const names = recordingNames('printers');
    expect(names.length).toBeGreaterThan(5);
    // All devices at once, as `amr read` does: the shared socket must route every reply to its session.
    const wire = await Promise.all(names.map((n) => readAll(WireSession, fleet.address.get(n)!, v2c)));
    for (const [i, name] of names.entries()) {
      const net = await readAll(SnmpSession, fleet.address.get(name)!, v2c);
      expect(net.scalars.length, name).toBeGreaterThan(0);
      expect(wire[i]!.scalars, name).toEqual(net.scalars);
      expect(wire[i]!.tables, name).toEqual(net.tables);
      expect(wire[i]!.requests, name).toBe(net.requests);
    }
  });

  it('v1 by GETNEXT with noSuchName handling gives the same as net-snmp', async () => {
    for (const name of ['konica_c250i', 'brother']) {
      const addr = fleet.address.get(name)!;
      const net = await readAll(SnmpSession, addr, v1);
      const wire = await readAll(WireSession, addr, v1);
      expect(wire).toEqual(net);
      expect(wire.tables.flat().length).toBeGreaterThan(10);
    }
  });

  it('v1 GET of a missing scalar drops it (noSuchName) and returns the rest', async () => {
    const addr = fleet.address.get('konica_c250i')!;
    const oids = ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.99.0', '1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.1.5.0'];
    const r = await both(addr, v1, (s) => s.get(oids));
    expect(r.wire.value?.map((v) => v.oid)).toEqual(['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.2.0']);
    expect(r.wire).toMatchObject({ value: r.net.value, requests: r.net.requests });
  });

  it('walk of a subtree equals net-snmp', async () => {
    const addr = fleet.address.get('jetdirect_m252dw')!;
    const r = await both(addr, v2c, (s) => s.walk('1.3.6.1.2.1.43.11'));
    expect(r.net.value!.length).toBeGreaterThan(10);
    expect(r.wire.value).toEqual(r.net.value);
  });
});

describe('errors', () => {
  it('nothing answering: the same timeout message, after one timeout', async () => {
    for (const cred of [v2c, v3({ name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' })]) {
      const r = await both('127.0.61.250', cred, (s) => s.get(READ_SCALARS));
      expect(r.net.error?.kind).toBe('timeout');
      expect(r.wire.error).toEqual(r.net.error);
      expect(r.wire.ms).toBeLessThan(1500);
    }
  });

  it('a wrong community times out with the same message, which does not contain the community', async () => {
    const wrong: Credential = { version: '2c', community: 'sekrit-wrong', label: 'v2c community #1' };
    const r = await both(fleet.address.get('brother')!, wrong, (s) => s.get(READ_SCALARS));
    expect(r.wire.error).toEqual(r.net.error);
    expect(r.wire.error?.message).toMatch(/community is wrong/);
    expect(r.wire.error?.message).not.toContain('sekrit-wrong');
  });

  it('a closed session refuses further requests with a network error', async () => {
    const s = new WireSession(fleet.address.get('brother')!, v2c, options);
    s.close();
    await expect(s.get(READ_SCALARS)).rejects.toMatchObject({ kind: 'network' });
  });

  it('a reply with the right request id from another address is ignored', async () => {
    // A relay that forwards requests to a real device but answers from a different address.
    const target = fleet.address.get('brother')!;
    const inbound: Socket = createSocket('udp4');
    const outbound: Socket = createSocket('udp4');
    let client: { address: string; port: number } | null = null;
    inbound.on('message', (msg, rinfo) => { client = rinfo; outbound.send(msg, PORT, target); });
    const spoof: Socket = createSocket('udp4');
    outbound.on('message', (msg) => { if (client) spoof.send(msg, client.port, client.address); });
    await new Promise<void>((res) => inbound.bind(PORT, '127.0.63.1', res));
    await new Promise<void>((res) => spoof.bind(PORT, '127.0.63.2', res));
    try {
      const s = new WireSession('127.0.63.1', v2c, options);
      await expect(s.get(READ_SCALARS)).rejects.toMatchObject({ kind: 'timeout' });
      s.close();
    } finally {
      inbound.close();
      outbound.close();
      spoof.close();
    }
  });
});

describe('devices that misbehave', () => {
  let sim: Simulator;
  const varbinds = loadRecording('printers', 'konica_c250i');
  beforeAll(async () => {
    const rows: Varbind[] = [];
    for (let i = 1; i <= 3000; i++) rows.push({ oid: `1.3.6.1.2.1.43.11.1.1.9.1.${i}`, type: 'Integer', value: i % 100 });
    sim = await startSimulator({
      devices: [
        { address: '127.0.62.1', port: PORT, varbinds, garbage: true },
        { address: '127.0.62.2', port: PORT, varbinds, dropBulkAbove: 5 },
        { address: '127.0.62.3', port: PORT, varbinds: [...varbinds.filter((v) => !v.oid.startsWith('1.3.6.1.2.1.43.11.')), ...rows] },
      ],
    });
  });
  afterAll(async () => { await sim?.stop(); });

  it('a device answering garbage: the same error as net-snmp (a timeout), no crash', async () => {
    const r = await both('127.0.62.1', v2c, (s) => s.get(READ_SCALARS));
    expect(r.net.error).toBeTruthy();
    expect(r.wire.error).toEqual(r.net.error);
  });

  it('an agent that drops large GETBULKs: the same max-repetitions fallback and the same varbinds', async () => {
    const net = await readAll(SnmpSession, '127.0.62.2', v2c);
    const wire = await readAll(WireSession, '127.0.62.2', v2c);
    expect(wire).toEqual(net);
    expect(wire.tables.flat().length).toBeGreaterThan(20);
  });

  it('a long table is bounded by maxRows the same way', async () => {
    const r = await both('127.0.62.3', v2c, (s) => s.walkColumns(['1.3.6.1.2.1.43.11.1.1.9'], 1000), { ...options, timeoutMs: 2000 });
    expect(r.net.value).toHaveLength(1000);
    expect(r.wire).toMatchObject({ value: r.net.value, requests: r.net.requests });
  });
});

describe('SNMPv3', () => {
  let sim: Simulator;
  const o3 = { ...options, port: V3_PORT, timeoutMs: 1500 };
  beforeAll(async () => {
    sim = await startSimulator({
      devices: [{
        address: '127.0.62.10', port: V3_PORT, varbinds: loadRecording('printers', 'ricoh_mpc3002'), communities: [],
        v3Users: [
          { name: 'plain' },
          { name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' },
          { name: 'secure', authProtocol: 'sha256', authKey: 'auth-pass-2', privProtocol: 'aes', privKey: 'priv-pass-2' },
          { name: 'strong', authProtocol: 'sha512', authKey: 'auth-pass-3', privProtocol: 'aes256', privKey: 'priv-pass-3' },
        ],
      }],
    });
  });
  afterAll(async () => { await sim?.stop(); });

  it.each([
    ['noAuthNoPriv', v3({ name: 'plain' })],
    ['authNoPriv SHA-1', v3({ name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' })],
    ['authPriv SHA-256 + AES-128', v3({ name: 'secure', authProtocol: 'sha256', authKey: 'auth-pass-2', privProtocol: 'aes', privKey: 'priv-pass-2' })],
    ['authPriv SHA-512 + AES-256', v3({ name: 'strong', authProtocol: 'sha512', authKey: 'auth-pass-3', privProtocol: 'aes256', privKey: 'priv-pass-3' })],
  ])('%s reads the same as net-snmp', async (_, cred) => {
    const net = await readAll(SnmpSession, '127.0.62.10', cred, o3);
    const wire = await readAll(WireSession, '127.0.62.10', cred, o3);
    expect(wire.tables.flat().length).toBeGreaterThan(20);
    expect(wire).toEqual(net);
  });

  it.each([
    ['a wrong auth key', v3({ name: 'secure', authProtocol: 'sha256', authKey: 'wrong-pass-9', privProtocol: 'aes', privKey: 'priv-pass-2' }), 'wrong-pass-9'],
    ['an unknown user', v3({ name: 'nobody', authProtocol: 'sha', authKey: 'whatever-1' }), 'whatever-1'],
  ])('%s fails fast with the same message as net-snmp, naming the user, never the key', async (_, cred, secret) => {
    const r = await both('127.0.62.10', cred, (s) => s.get(READ_SCALARS), { ...o3, timeoutMs: 5000 });
    expect(r.net.error?.kind).toBe('auth');
    expect(r.wire.error).toEqual(r.net.error);
    expect(r.wire.error?.message).toMatch(new RegExp(`authentication failed for v3 user "${cred.version === '3' ? cred.user.name : ''}"`));
    expect(r.wire.error?.message).not.toContain(secret);
    expect(r.wire.ms).toBeLessThan(2000);
  });

  it('v3 to a device without that engine answering: the same timeout message', async () => {
    const cred = v3({ name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' });
    const r = await both('127.0.62.11', cred, (s) => s.get(READ_SCALARS), { ...o3, timeoutMs: 300 });
    expect(r.wire.error?.message).toMatch(/SNMPv3 user is unknown/);
    expect(r.wire.error).toEqual(r.net.error);
  });
});
