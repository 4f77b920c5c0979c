/** `amr simulate`: address assignment, user specs, loading a folder, and the command itself. */
import { readdirSync } from 'node:fs';
import { Command } from 'commander';
import snmp from 'net-snmp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSimulate } from '../../src/commands/simulate.js';
import { fleetAddresses, parseV3User, runSimulate } from '../../src/sim/cli.js';
import { loadRecording } from '../../src/sim/load.js';
import { PRINTERS, endpoint } from './helpers.js';

describe('fleetAddresses', () => {
  it('counts up from base.1, skipping .0 and .255', () => {
    expect(fleetAddresses('127.0.1', 3)).toEqual(['127.0.1.1', '127.0.1.2', '127.0.1.3']);
    const many = fleetAddresses('127.0.1.253', 4);
    expect(many).toEqual(['127.0.1.253', '127.0.1.254', '127.0.2.1', '127.0.2.2']);
  });
  it('refuses anything outside 127.0.0.0/8', () => {
    expect(() => fleetAddresses('10.0.0', 1)).toThrow(/127/);
    expect(() => fleetAddresses('127.0.300', 1)).toThrow(/127/);
  });
});

describe('parseV3User', () => {
  it('reads name:auth:pass[:priv:pass]', () => {
    expect(parseV3User('ro:sha256:authpass1:aes:privpass1')).toEqual({ name: 'ro', authProtocol: 'sha256', authKey: 'authpass1', privProtocol: 'aes', privKey: 'privpass1' });
    expect(parseV3User('ro:md5:authpass1')).toEqual({ name: 'ro', authProtocol: 'md5', authKey: 'authpass1' });
  });
  it('rejects unknown protocols and missing passwords', () => {
    expect(() => parseV3User('ro:sha3:x')).toThrow(/auth protocol/);
    expect(() => parseV3User('ro:sha:')).toThrow(/password/);
    expect(() => parseV3User('ro:sha:a:blowfish:b')).toThrow(/priv protocol/);
  });
});

describe('loadRecording', () => {
  it('serves the good lines of a recording with a corrupt one, and names the bad line', () => {
    const r = loadRecording(`${PRINTERS}/okilan_9450g.snmprec`);
    expect(r.skipped).toEqual([expect.stringMatching(/^okilan_9450g\.snmprec:23: bad number "6git3159"/)]);
    expect(r.varbinds.find((vb) => vb.oid === '1.3.6.1.2.1.2.2.1.16.1')).toEqual({ oid: '1.3.6.1.2.1.2.2.1.16.1', type: 'Counter32', value: 8018824 });
    expect(r.varbinds.find((vb) => vb.oid === '1.3.6.1.2.1.2.2.1.17.1')).toBeUndefined();
  });
});

describe('amr simulate', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('runSimulate serves a folder, one device per address', async () => {
    const ep = endpoint();
    const base = ep.address.split('.').slice(0, 3).join('.');
    const { simulator, lines, warnings } = await runSimulate([PRINTERS], { base, port: ep.port });
    try {
      const files = readdirSync(PRINTERS).filter((f) => f.endsWith('.snmprec')).sort();
      expect(lines).toEqual(files.map((f, i) => `${base}.${i + 1}:${ep.port} ${f}`));
      expect(warnings).toEqual([expect.stringContaining('okilan_9450g.snmprec:23')]);
      const s = snmp.createSession(`${base}.1`, 'public', { port: ep.port, version: snmp.Version2c, timeout: 1000, retries: 0 });
      const vbs = await new Promise<snmp.Varbind[]>((resolve, reject) => s.get(['1.3.6.1.2.1.1.1.0'], (e, v) => (e ? reject(e) : resolve(v!))));
      s.close();
      expect(String(vbs[0]!.value)).toBe(String(loadRecording(`${PRINTERS}/${files[0]}`).varbinds.find((vb) => vb.oid === '1.3.6.1.2.1.1.1.0')!.value));
    } finally {
      await simulator.stop();
    }
  });

  it('the command prints one line per device and stops on SIGINT', async () => {
    const ep = endpoint();
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
    const program = new Command('amr').exitOverride();
    registerSimulate(program);
    const done = program.parseAsync(['node', 'amr', 'simulate', `${PRINTERS}/brother.snmprec`, `${PRINTERS}/xerox.snmprec`,
      '--base', ep.address, '--port', String(ep.port), '--community', 'c1', '--v3-user', 'u:sha:authpass1:aes:privpass1']);
    await vi.waitFor(() => expect(out.length).toBe(2), { timeout: 5000 });
    expect(out[0]).toBe(`${ep.address}:${ep.port} brother.snmprec\n`);
    // the device answers the configured community while the command runs
    const s = snmp.createSession(ep.address, 'c1', { port: ep.port, version: snmp.Version2c, timeout: 1000, retries: 0 });
    await new Promise((resolve, reject) => s.get(['1.3.6.1.2.1.1.2.0'], (e: Error | null, v?: unknown) => (e ? reject(e) : resolve(v))));
    s.close();
    process.emit('SIGINT');
    await done;
    // after SIGINT the port is free again
    const again = await runSimulate([`${PRINTERS}/brother.snmprec`], { base: ep.address, port: ep.port });
    await again.simulator.stop();
  });

  it('the command rejects a non-loopback base as a user error', async () => {
    const program = new Command('amr').exitOverride();
    registerSimulate(program);
    await expect(program.parseAsync(['node', 'amr', 'simulate', PRINTERS, '--base', '192.168.1'])).rejects.toThrow(/127/);
  });
});
