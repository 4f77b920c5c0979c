/**
 * `amr record`: masking (pure) and the round trip over real UDP on loopback: record a
 * simulated device, replay the recording, and `amr read` gives the same Reading.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maskVarbinds } from '../../src/record/mask.js';
import { recordDevice } from '../../src/record/record.js';
import { profileExtension } from '../../src/profiles/extension.js';
import { readDevice } from '../../src/pipeline/read-device.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { formatSnmprec, parseSnmprec } from '../../src/snmp/snmprec.js';
import type { Credential } from '../../src/snmp/credentials.js';
import type { Reading } from '../../src/reading/types.js';
import { builtins, recording } from './helpers.js';

const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v));

describe('masking', () => {
  const vbs = recording('printers/pm_kyocera_p2040.snmprec');
  test('always: sysName, sysContact, sysLocation and IP addresses (values and indexes)', () => {
    const m = maskVarbinds(vbs);
    const get = (oid: string) => m.find((v) => v.oid === oid);
    expect(text(get('1.3.6.1.2.1.1.5.0')?.value)).toBe('<private>');
    const ipRows = m.filter((v) => v.oid.startsWith('1.3.6.1.2.1.4.20.1.2.')).map((v) => v.oid);
    // two addresses, two consistent stand-ins from TEST-NET-1
    expect(ipRows).toEqual(['1.3.6.1.2.1.4.20.1.2.192.0.2.1', '1.3.6.1.2.1.4.20.1.2.192.0.2.2']);
    expect(m.find((v) => v.oid === '1.3.6.1.2.1.4.20.1.4.192.0.2.1')).toBeDefined();
    const all = formatSnmprec(m);
    expect(all).not.toContain('192.168.0.212');
    expect(all).toContain('VD21457943'); // serial kept unless asked
  });

  test('on request: serials (anywhere they appear) and MACs', () => {
    const m = maskVarbinds(vbs, { maskSerial: true, maskMac: true, serialOids: ['1.3.6.1.4.1.1347.43.5.1.1.28.1'] });
    const all = formatSnmprec(m);
    expect(all).not.toContain('VD21457943');
    expect(all).toContain('SERIAL0001');
    const mac = m.find((v) => v.oid === '1.3.6.1.2.1.2.2.1.6.1')!.value as Buffer;
    expect(mac.toString('hex')).toBe('020000000001');
  });
});

describe('record and replay over loopback UDP', () => {
  const address = '127.45.5.1';
  const replayAddress = '127.45.5.2';
  const port = 17161;
  let sim: Simulator;
  let replay: Simulator | undefined;
  const credentials: Credential[] = [{ version: '2c', community: 'public', label: 'test' }];
  const session = { port, timeoutMs: 1000, retries: 0, maxRepetitions: 20 };

  beforeAll(async () => {
    sim = await startSimulator({ devices: [{ address, port, varbinds: recording('printers/konica_c250i.snmprec') }] });
  });
  afterAll(async () => {
    await sim?.stop();
    await replay?.stop();
  });

  test('amr read on the replay gives the same Reading as on the device', async () => {
    const rec = await recordDevice(address, credentials, session, builtins(), {});
    expect(rec.profile).toBe('konica-minolta');
    expect(rec.problems).toEqual([]);
    const file = formatSnmprec(rec.varbinds);
    expect(file).toContain('1.3.6.1.4.1.18334.1.1.1.5.7.2.2.1.5.2.2|2|6711'); // vendor subtree recorded
    replay = await startSimulator({ devices: [{ address: replayAddress, port, varbinds: parseSnmprec(file) }] });

    const read = async (host: string) => (await readDevice(host, { ...session, credentials, extension: profileExtension(builtins()) })).reading;
    const strip = (r: Reading) => {
      const { host: _h, readAt: _t, identity, sources: _s, ...rest } = r;
      const { ip: _ip, hostname: _n, location: _l, ...id } = identity;
      return { ...rest, identity: id };
    };
    const live = await read(address);
    const replayed = await read(replayAddress);
    expect(live.ok).toBe(true);
    expect(live.profile).toBe('konica-minolta');
    expect(live.counters.printColor?.value).toBe(6711);
    expect(strip(replayed)).toEqual(strip(live));
    expect(replayed.identity.hostname ?? '<private>').toBe('<private>');
  });
});
