/** The sweeper over real UDP against the simulator on random 127.88.x.0/24 blocks. */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { Credential, V3User } from '../../src/snmp/credentials.js';
import { sweep, type SweepOptions, type SweepProgress } from '../../src/discover/sweep.js';
import { buildTargets } from '../../src/discover/targets.js';
import { summaryLine } from '../../src/discover/report.js';
import { decodeMessage, encodeCommunityMessage } from '../../src/snmp/ber.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { DeviceOptions } from '../../src/sim/device.js';
import { block, recording, recordingNames } from './helpers.js';

const community = (c: string, index = 0, version: 0 | 1 = 1): Credential => {
  const v = version === 0 ? '1' : '2c';
  return { version: v, community: c, label: `v${v} community #${index + 1}`, ref: { version: v, community: index } };
};
const v3 = (user: Partial<V3User> & { name: string }): Credential => ({
  version: '3', label: `v3 user "${user.name}"`, ref: { version: '3', user: user.name },
  user: { authProtocol: 'none', authKey: '', privProtocol: 'none', privKey: '', context: '', ...user },
});
let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});
async function sim(devices: DeviceOptions[]): Promise<Simulator> {
  const s = await startSimulator({ devices });
  sims.push(s);
  return s;
}
async function run(targets: string[], o: Partial<SweepOptions> & { port: number }) {
  return sweep({ targets: await buildTargets(targets), credentials: [community('public')], rate: 0, timeoutMs: 400, retries: 0, ...o });
}

describe('sweep', () => {
  it('finds exactly the printers of a /24 with vendor, model, serial and MAC, every probe out before the first timeout', async () => {
    const { prefix, port } = block();
    const fleet = [...recordingNames('printers').map((n) => ['printers', n]), ...recordingNames('others').map((n) => ['others', n])] as Array<[string, string]>;
    await sim(fleet.map(([f, n], i) => ({ address: `${prefix}.${i + 1}`, port, name: n, varbinds: recording(f, n) })));
    const seen: SweepProgress[] = [];
    const r = await run([`${prefix}.0/24`], { port, timeoutMs: 1500, progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    expect(r.devices).toHaveLength(fleet.length);
    const printers = r.devices.filter((d) => d.classification.printer);
    expect(printers.map((d) => d.ip)).toEqual(fleet.map((_, i) => `${prefix}.${i + 1}`).filter((_, i) => fleet[i]![0] === 'printers'));
    const kyocera = r.devices.find((d) => d.ip === `${prefix}.${1 + fleet.findIndex(([, n]) => n === 'pm_kyocera_p2040')}`)!;
    expect(kyocera.classification).toMatchObject({ vendor: 'Kyocera', model: 'ECOSYS P2040dw' });
    expect(kyocera.facts).toMatchObject({ serial: 'VD21457943', mac: '00:17:c8:b9:02:de' });
    expect(kyocera.credential).toEqual({ version: '2c', community: 0 });
    // One socket sweeps the /24 and waits one timeout at the end, not one per address:
    // when the first silent address is given up, every address already has its probe
    // (behaviour, not a stopwatch; the speed is measured in bench/discover).
    expect(r.stats.probed).toBe(254);
    const firstSilent = seen.find((p) => p.done > p.responders);
    expect(firstSilent).toBeDefined();
    expect(firstSilent!.probed).toBe(254);
  });

  it('tries communities in order and remembers which one answered', async () => {
    const { prefix, port } = block();
    await sim([
      { address: `${prefix}.1`, port, varbinds: recording('printers', 'brother'), communities: ['public'] },
      { address: `${prefix}.2`, port, varbinds: recording('printers', 'epson'), communities: ['s3cret'] },
      { address: `${prefix}.3`, port, varbinds: recording('printers', 'xerox'), communities: ['other'] },
    ]);
    const r = await run([`${prefix}.1-${prefix}.3`], { port, credentials: [community('public', 0), community('s3cret', 1)], retries: 1, timeoutMs: 200 });
    expect(r.devices.map((d) => [d.ip, d.credential])).toEqual([
      [`${prefix}.1`, { version: '2c', community: 0 }],
      [`${prefix}.2`, { version: '2c', community: 1 }],
    ]);
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });

  it('identifies over SNMPv1 when that is the credential (noSuchName answers handled)', async () => {
    const { prefix, port } = block();
    const s = await sim([{ address: `${prefix}.9`, port, varbinds: recording('printers', 'canonprinter_lbp') }]);
    // The simulator answers both; prove the v1 path by sending only v1.
    const r = await run([`${prefix}.9`], { port, credentials: [community('public', 0, 0)] });
    expect(r.devices[0]).toMatchObject({ credential: { version: '1', community: 0 }, classification: { vendor: 'Canon', model: 'LBP6670' } });
    expect(r.devices[0]!.facts.serial).toBe('MKRA012345');
    expect(s.stats(`${prefix}.9`).answered).toBeGreaterThan(1);
    // The sweep's socket sent the one probe; identification asked over its own session (net-snmp, as a read does).
    expect(r.stats.sent).toBe(1);
    // version auto: v2c alone on the first try, v2c and v1 together on retries; v2c is kept when both work.
    const auto = [community('public', 0, 1), community('public', 0, 0)];
    const both = await run([`${prefix}.9`], { port, credentials: auto, retries: 1 });
    expect(both.devices[0]!.credential).toEqual({ version: '2c', community: 0 });
    const silent = await run([`${prefix}.10`], { port, credentials: auto, retries: 1, timeoutMs: 100 });
    expect(silent.stats.sent).toBe(1 + 2);
  });

  it('SNMPv3: a wrong user fails fast by Report and the next user is tried; no user works -> communities', async () => {
    const { prefix, port } = block();
    const alice = { name: 'alice', authProtocol: 'sha' as const, authKey: 'alicepass1', privProtocol: 'aes' as const, privKey: 'aliceprivk1' };
    await sim([
      { address: `${prefix}.1`, port, varbinds: recording('printers', 'ricoh_mpc3002'), v3Users: [alice], communities: [] },
      { address: `${prefix}.2`, port, varbinds: recording('printers', 'brother'), v3Users: [{ ...alice, name: 'carol' }], communities: ['public'] },
    ]);
    const creds: Credential[] = [
      v3({ name: 'bob', authProtocol: 'sha', authKey: 'bobpass123' }),
      v3({ ...alice, authKey: 'wrong-pass' }),
      v3(alice),
      community('public'),
    ];
    // A timeout far longer than the test could wait: any credential that waited for one would show.
    const t0 = performance.now();
    const r = await run([`${prefix}.1`, `${prefix}.2`], { port, credentials: creds, timeoutMs: 20_000, retries: 0 });
    const took = performance.now() - t0;
    expect(r.devices.map((d) => [d.ip, d.credential])).toEqual([
      [`${prefix}.1`, { version: '3', user: 'alice' }],
      [`${prefix}.2`, { version: '2c', community: 0 }],
    ]);
    expect(r.devices[0]!.classification).toMatchObject({ vendor: 'Ricoh', model: 'Aficio MP C3002' });
    expect(r.devices[0]!.facts.serial).toBe('W492KB03439');
    // Wrong users cost a round trip each (a Report), never a timeout: neither address waits one.
    expect(took).toBeLessThan(20_000);
  });

  it('paces probes at the configured rate; unthrottled sends every probe before the first timeout', async () => {
    const { prefix, port } = block();
    const t0 = performance.now();
    const slow = await run([`${prefix}.1-${prefix}.100`], { port, rate: 400, timeoutMs: 100 });
    const slowMs = performance.now() - t0;
    expect(slow.stats.sent).toBe(100);
    // A lower bound only (a loaded machine is slower, never faster): 100 packets at 400/s take about 250 ms.
    expect(slowMs).toBeGreaterThan(230);
    const seen: SweepProgress[] = [];
    const fast = await run([`${prefix}.1-${prefix}.100`], { port, rate: 0, timeoutMs: 1000, progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    expect(fast.stats.sent).toBe(100);
    expect(seen.find((p) => p.done > 0)!.probed).toBe(100);
  });

  it('retries silent addresses, probes each address once per try even with overlapping targets', async () => {
    const { prefix, port } = block();
    const r = await sweep({ targets: await buildTargets([`${prefix}.0/28`, `${prefix}.1-${prefix}.10`, `${prefix}.5`]), credentials: [community('public')], port, rate: 0, timeoutMs: 100, retries: 2 });
    expect(r.stats.addresses).toBe(14);
    expect(r.stats.sent).toBe(14 * 3);
    expect(r.stats.durationMs).toBeGreaterThan(300);
  });

  it('ignores garbled replies (counted) and replies from addresses not asked', async () => {
    const { prefix, port } = block();
    await sim([
      { address: `${prefix}.1`, port, varbinds: recording('printers', 'brother'), garbage: true },
      { address: `${prefix}.2`, port, varbinds: recording('printers', 'epson') },
    ]);
    // A rogue target: it answers every probe with a well-formed Response, but from another address.
    const listener = createSocket('udp4');
    const forger = createSocket('udp4');
    await new Promise<void>((r) => listener.bind(port, `${prefix}.3`, r));
    await new Promise<void>((r) => forger.bind(port, `${prefix}.200`, r));
    listener.on('message', (raw, rinfo) => {
      const m = decodeMessage(raw);
      if (m.version === 3) return;
      const reply = encodeCommunityMessage({ version: m.version, community: m.community, pdu: { ...m.pdu, type: 'Response', errorStatus: 0, errorIndex: 0, varbinds: [] } as never });
      forger.send(reply, rinfo.port, rinfo.address);
    });
    try {
      const r = await run([`${prefix}.1-${prefix}.3`], { port, timeoutMs: 300 });
      expect(r.devices.map((d) => d.ip)).toEqual([`${prefix}.2`]);
      expect(r.stats.garbled).toBeGreaterThanOrEqual(1);
      expect(r.stats.unsolicited).toBeGreaterThanOrEqual(1);
    } finally {
      listener.close();
      forger.close();
    }
  });

  it('stops at once when aborted and returns what it found', async () => {
    const { prefix, port } = block();
    await sim([{ address: `${prefix}.1`, port, varbinds: recording('printers', 'brother') }]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await run([`${prefix}.0/24`], { port, rate: 100, timeoutMs: 200, signal: ac.signal });
    expect(r.stats.aborted).toBe(true);
    expect(r.stats.sent).toBeLessThan(254);
    // The summary names the addresses actually probed (sent counts probe datagrams, retries included).
    expect(r.stats.probed).toBeGreaterThan(0);
    expect(r.stats.probed).toBeLessThanOrEqual(r.stats.sent);
    expect(summaryLine(r.stats, r.devices.length, [])).toMatch(new RegExp(`^Interrupted after probing ${r.stats.probed} of 254 addresses in `));
  });

  it('progress time left starts near the real duration and never jumps up', async () => {
    const { prefix, port } = block();
    await sim([{ address: `${prefix}.1`, port, varbinds: recording('printers', 'brother') }]);
    const seen: Array<{ at: number; eta: number }> = [];
    await run([`${prefix}.1-${prefix}.120`], {
      port, rate: 200, timeoutMs: 150, retries: 1, progressIntervalMs: 20,
      onProgress: (p) => seen.push({ at: performance.now(), eta: p.etaMs }),
    });
    expect(seen.length).toBeGreaterThan(10);
    // 120 probes at 200/s, then at most two tries of 150 ms: 0.9 s; the first estimate says so
    // (not an extrapolation from the first few silent addresses).
    expect(seen[0]!.eta).toBeGreaterThan(800);
    expect(seen[0]!.eta).toBeLessThanOrEqual(900);
    for (let i = 1; i < seen.length; i++) {
      const rise = seen[i]!.eta - seen[i - 1]!.eta;
      expect(rise, `update ${i}`).toBeLessThanOrEqual((seen[i]!.at - seen[i - 1]!.at) / 2 + 1);
    }
    expect(seen.at(-1)!.eta).toBe(0);
  });
});
