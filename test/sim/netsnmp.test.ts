/** The simulator over real UDP, read by an independent client: the net-snmp npm package. */
import { readdirSync, readFileSync } from 'node:fs';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { compareOids, type Varbind } from '../../src/snmp/types.js';
import { PRINTERS, endpoint, recording } from './helpers.js';

type NsVarbind = snmp.Varbind;
type Session = snmp.Session;

const TYPES: Record<number, Varbind['type']> = {
  2: 'Integer', 4: 'OctetString', 5: 'Null', 6: 'OID', 64: 'IpAddress', 65: 'Counter32', 66: 'Gauge32', 67: 'TimeTicks',
  68: 'Opaque', 70: 'Counter64', 128: 'NoSuchObject', 129: 'NoSuchInstance', 130: 'EndOfMibView',
};

/** net-snmp's varbind in our shape, so whole walks compare with the recording directly. */
function ours(vb: NsVarbind): Varbind {
  const type = TYPES[vb.type ?? -1];
  if (!type) throw new Error(`unexpected type ${String(vb.type)}`);
  let value = vb.value as Varbind['value'];
  if (type === 'Counter64') value = BigInt('0x' + ((vb.value as Buffer).toString('hex') || '0'));
  if (type === 'Null' || type === 'NoSuchObject' || type === 'NoSuchInstance' || type === 'EndOfMibView') value = null;
  return { oid: vb.oid, type, value };
}

const v2c = (ep: { address: string; port: number }, community = 'public', extra: object = {}) =>
  snmp.createSession(ep.address, community, { port: ep.port, version: snmp.Version2c, timeout: 1000, retries: 0, ...extra });

function get(s: Session, oids: string[]): Promise<Varbind[]> {
  return new Promise((resolve, reject) => s.get(oids, (e: Error | null, vbs?: NsVarbind[]) => (e ? reject(e) : resolve(vbs!.map(ours)))));
}
function getNext(s: Session, oids: string[]): Promise<Varbind[]> {
  return new Promise((resolve, reject) => s.getNext(oids, (e: Error | null, vbs?: NsVarbind[]) => (e ? reject(e) : resolve(vbs!.map(ours)))));
}
function getBulk(s: Session, oids: string[], nonRepeaters: number, maxRepetitions: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => s.getBulk(oids, nonRepeaters, maxRepetitions, (e: Error | null, vbs?: unknown[]) => (e ? reject(e) : resolve(vbs!))));
}
/** A full walk (GETBULK on v2c/v3, GETNEXT on v1) from the top of the tree. */
function walk(s: Session, maxRepetitions = 20): Promise<Varbind[]> {
  const out: Varbind[] = [];
  return new Promise((resolve, reject) => s.walk('1.3.6.1', maxRepetitions,
    (vbs: NsVarbind[]) => { for (const vb of vbs) out.push(ours(vb)); },
    (e: Error | null) => (e ? reject(e) : resolve(out))));
}

const sorted = (vbs: Varbind[]) => [...vbs].sort((a, b) => compareOids(a.oid, b.oid));

describe('simulator answering net-snmp', () => {
  const brother = endpoint();
  const jetdirect = { ...endpoint(), port: brother.port + 1 };
  let sim: Simulator;
  const sessions: Session[] = [];
  const track = (s: Session) => { sessions.push(s); return s; };

  beforeAll(async () => {
    sim = await startSimulator({
      devices: [
        { ...brother, name: 'brother', varbinds: recording('brother'), v3Users: [
          { name: 'authonly', authProtocol: 'sha', authKey: 'authpass1' },
          { name: 'secure', authProtocol: 'sha256', authKey: 'authpass1', privProtocol: 'aes', privKey: 'privpass1' },
          { name: 'aes256', authProtocol: 'sha512', authKey: 'authpass1', privProtocol: 'aes256', privKey: 'privpass1' },
        ] },
        { ...jetdirect, name: 'jetdirect', varbinds: recording('jetdirect'), communities: ['public', 'secret'] },
      ],
    });
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await sim?.stop();
  });

  it('v2c: a GETBULK walk returns exactly the recording', async () => {
    const got = await walk(track(v2c(brother)));
    expect(got).toEqual(sorted(recording('brother')));
  });

  it('v2c: walk with Counter64 values intact, under another accepted community', async () => {
    const got = await walk(track(v2c(jetdirect, 'secret')), 50);
    expect(got).toEqual(sorted(recording('jetdirect')));
    expect(got.some((vb) => vb.type === 'Counter64')).toBe(true);
  });

  it('v2c: GET with exceptions, GETNEXT, and endOfMibView at the end of the tree', async () => {
    const s = track(v2c(brother));
    const [descr, missing] = await get(s, ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.1']);
    expect(descr).toEqual(recording('brother').find((vb) => vb.oid === '1.3.6.1.2.1.1.1.0'));
    expect(missing!.type).toBe('NoSuchInstance');
    const [n] = await getNext(s, ['1.3.6.1.2.1.1.1.0']);
    expect(n!.oid).toBe('1.3.6.1.2.1.1.2.0');
    const lastOid = sorted(recording('brother')).at(-1)!.oid;
    const [end] = await getNext(s, [lastOid]);
    expect(end).toEqual({ oid: lastOid, type: 'EndOfMibView', value: null });
  });

  it('v2c: GETBULK with non-repeaters', async () => {
    const table = await getBulk(track(v2c(brother)), ['1.3.6.1.2.1.1.3', '1.3.6.1.2.1.43.11.1.1.9'], 1, 4) as [NsVarbind, NsVarbind[]];
    expect(table[0].oid).toBe('1.3.6.1.2.1.1.3.0');
    expect(table[1]).toHaveLength(4);
    expect(table[1][0]!.oid.startsWith('1.3.6.1.2.1.43.11.1.1.9.1.')).toBe(true);
  });

  it('v1: a GETNEXT walk returns the recording without Counter64', async () => {
    const s = track(snmp.createSession(jetdirect.address, 'public', { port: jetdirect.port, version: snmp.Version1, timeout: 1000, retries: 0 }));
    const got = await walk(s);
    expect(got).toEqual(sorted(recording('jetdirect')).filter((vb) => vb.type !== 'Counter64'));
    await expect(get(s, ['1.3.6.1.2.1.1.99.0'])).rejects.toThrow(/NoSuchName/);
  });

  it('wrong community: no reply, the client times out', async () => {
    const t0 = Date.now();
    await expect(get(track(v2c(brother, 'private', { timeout: 400 })), ['1.3.6.1.2.1.1.1.0'])).rejects.toThrow(/timed out/i);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
  });

  it('SET is refused and the value stays', async () => {
    const s = track(snmp.createSession(brother.address, 'public', { port: brother.port, version: snmp.Version2c, timeout: 1000, retries: 0 }));
    const before = await get(s, ['1.3.6.1.2.1.1.5.0']);
    await expect(new Promise((resolve, reject) => s.set([{ oid: '1.3.6.1.2.1.1.5.0', type: snmp.ObjectType.OctetString, value: 'pwned' }],
      (e: Error | null, vbs?: unknown) => (e ? reject(e) : resolve(vbs))))).rejects.toThrow(/NotWritable/);
    expect(await get(s, ['1.3.6.1.2.1.1.5.0'])).toEqual(before);
  });

  const v3 = (user: snmp.User) => track(snmp.createV3Session(brother.address, user, { port: brother.port, version: snmp.Version3, timeout: 2000, retries: 0 }));

  it('v3 authNoPriv (SHA): GET and walk', async () => {
    const s = v3({ name: 'authonly', level: snmp.SecurityLevel.authNoPriv, authProtocol: snmp.AuthProtocols.sha, authKey: 'authpass1' });
    const [descr] = await get(s, ['1.3.6.1.2.1.1.1.0']);
    expect(descr).toEqual(recording('brother').find((vb) => vb.oid === '1.3.6.1.2.1.1.1.0'));
    expect(await walk(s)).toEqual(sorted(recording('brother')));
  });

  it('v3 authPriv (SHA-256 + AES-128): walk', async () => {
    const s = v3({ name: 'secure', level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha256, authKey: 'authpass1', privProtocol: snmp.PrivProtocols.aes, privKey: 'privpass1' });
    expect(await walk(s, 30)).toEqual(sorted(recording('brother')));
  });

  it('v3 authPriv (SHA-512 + AES-256 Blumenthal): GET', async () => {
    const s = v3({ name: 'aes256', level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha512, authKey: 'authpass1', privProtocol: snmp.PrivProtocols.aes256b, privKey: 'privpass1' });
    const [vb] = await get(s, ['1.3.6.1.2.1.1.2.0']);
    expect(vb).toEqual(recording('brother').find((x) => x.oid === '1.3.6.1.2.1.1.2.0'));
  });

  it('v3 wrong password: a wrongDigest report, quickly rather than a timeout', async () => {
    const s = v3({ name: 'secure', level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha256, authKey: 'wrongpass', privProtocol: snmp.PrivProtocols.aes, privKey: 'privpass1' });
    const t0 = Date.now();
    await expect(get(s, ['1.3.6.1.2.1.1.1.0'])).rejects.toThrow(/Wrong Digest/);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(sim.device(brother.address).usmStats.wrongDigest).toBeGreaterThan(0);
  });

  it('v3 unknown user: an unknownUserName report', async () => {
    const s = v3({ name: 'mallory', level: snmp.SecurityLevel.authNoPriv, authProtocol: snmp.AuthProtocols.sha, authKey: 'authpass1' });
    await expect(get(s, ['1.3.6.1.2.1.1.1.0'])).rejects.toThrow(/Unknown User Name/);
  });

  it('setValue changes what clients read, live; stats count requests', async () => {
    const s = track(v2c(brother));
    const level = '1.3.6.1.2.1.43.11.1.1.9.1.1';
    const before = sim.stats(brother.address).received;
    sim.setValue(brother.address, level, { type: 'Integer', value: 7 });
    expect((await get(s, [level]))[0]).toEqual({ oid: level, type: 'Integer', value: 7 });
    sim.setValue(brother.address, '1.3.6.1.2.1.43.10.2.1.4.1.1', { type: 'Counter32', value: 123456 });
    expect((await get(s, ['1.3.6.1.2.1.43.10.2.1.4.1.1']))[0]!.value).toBe(123456);
    expect(sim.stats(brother.address).received).toBe(before + 2);
    expect(sim.stats(brother.address).answered).toBeGreaterThan(0);
  });
});

describe('a fleet of every printer recording', () => {
  let sim: Simulator;
  const files = readdirSync(PRINTERS).filter((f) => f.endsWith('.snmprec')).sort();
  const base = endpoint();
  const third = base.address.split('.')[2];
  afterAll(async () => { await sim?.stop(); });

  it('serves each on its own address with the recorded sysDescr', async () => {
    sim = await startSimulator({
      devices: files.map((f, i) => ({
        address: `127.78.${third}.${i + 1}`, port: base.port, name: f, varbinds: recording(f.replace(/\.snmprec$/, '')),
      })),
    });
    const results = await Promise.all(files.map(async (f, i) => {
      const s = snmp.createSession(`127.78.${third}.${i + 1}`, 'public', { port: base.port, version: snmp.Version2c, timeout: 2000, retries: 1 });
      try {
        const [descr, oid] = await get(s, ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.2.0']);
        return { f, descr: (descr!.value as Buffer).toString('utf8'), oid: oid!.value };
      } finally { s.close(); }
    }));
    for (const r of results) {
      const expected = JSON.parse(readFileSync(`${PRINTERS}/${r.f.replace(/\.snmprec$/, '.expected.json')}`, 'utf8')) as { sysDescr: string; sysObjectID: string };
      expect(r.descr, r.f).toBe(expected.sysDescr);
      expect(String(r.oid).replace(/^\./, ''), r.f).toBe(expected.sysObjectID.replace(/^\./, ''));
    }
    expect(sim.devices.every((d) => d.stats.received === 1)).toBe(true);
  });
});

describe('fault injection', () => {
  let sim: Simulator;
  const [choking, slow, dead, noisy] = [endpoint(), endpoint(), endpoint(), endpoint()];
  beforeAll(async () => {
    const varbinds = recording('epson');
    sim = await startSimulator({
      devices: [
        { ...choking, varbinds, dropBulkAbove: 10 },
        { ...slow, varbinds, delayMs: 300 },
        { ...dead, varbinds, dropRate: 1 },
        { ...noisy, varbinds, garbage: true },
      ],
    });
  });
  afterAll(async () => { await sim?.stop(); });

  it('dropBulkAbove: big GETBULKs go unanswered, small ones work', async () => {
    const s = v2c(choking, 'public', { timeout: 400 });
    try {
      const ok = await getBulk(s, ['1.3.6.1.2.1.43'], 0, 10) as unknown[][];
      expect(ok[0]).toHaveLength(10);
      await expect(getBulk(s, ['1.3.6.1.2.1.43'], 0, 11)).rejects.toThrow(/timed out/i);
    } finally { s.close(); }
  });

  it('delayMs delays, dropRate 1 never answers, garbage is not SNMP', async () => {
    const a = v2c(slow);
    const b = v2c(dead, 'public', { timeout: 400 });
    const c = v2c(noisy, 'public', { timeout: 400 });
    c.on('error', () => { /* net-snmp reports undecodable datagrams here */ });
    try {
      const t0 = Date.now();
      await get(a, ['1.3.6.1.2.1.1.1.0']);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      await expect(get(b, ['1.3.6.1.2.1.1.1.0'])).rejects.toThrow(/timed out/i);
      await expect(get(c, ['1.3.6.1.2.1.1.1.0'])).rejects.toThrow(/timed out/i);
      expect(sim.stats(noisy.address).answered).toBe(1);
      expect(sim.stats(dead.address)).toMatchObject({ received: 1, answered: 0, dropped: 1 });
    } finally { a.close(); b.close(); c.close(); }
  });
});
