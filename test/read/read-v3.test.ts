/** SNMPv3 reads against the simulator: authNoPriv and authPriv, SHA family and AES, wrong keys fail fast. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential, V3User } from '../../src/snmp/credentials.js';
import { readDevice } from '../../src/pipeline/read-device.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { loadRecording } from '../helpers/fixtures.js';

const PORT = 16162;
const session = { port: PORT, timeoutMs: 1500, retries: 0, maxRepetitions: 25 };
const v3 = (user: Partial<V3User> & { name: string }): Credential => ({
  version: '3', label: `v3 user "${user.name}"`,
  user: { authProtocol: 'none', authKey: '', privProtocol: 'none', privKey: '', context: '', ...user },
});

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    devices: [{
      address: '127.0.24.1', port: PORT, varbinds: loadRecording('printers', 'ricoh_mpc3002'), communities: [],
      v3Users: [
        { name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' },
        { name: 'secure', authProtocol: 'sha256', authKey: 'auth-pass-2', privProtocol: 'aes', privKey: 'priv-pass-2' },
        { name: 'strong', authProtocol: 'sha512', authKey: 'auth-pass-3', privProtocol: 'aes256', privKey: 'priv-pass-3' },
      ],
    }],
  });
});
afterAll(async () => { await sim?.stop(); });

describe('SNMPv3', () => {
  it('authNoPriv with SHA-1 reads the device', async () => {
    const { reading } = await readDevice('127.0.24.1', { ...session, credentials: [v3({ name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' })] });
    expect(reading.error).toBeUndefined();
    expect(reading.counters.total?.value).toBeGreaterThan(0);
  });

  it('authPriv with SHA-256 and AES-128 reads the device', async () => {
    const { reading } = await readDevice('127.0.24.1', {
      ...session, credentials: [v3({ name: 'secure', authProtocol: 'sha256', authKey: 'auth-pass-2', privProtocol: 'aes', privKey: 'priv-pass-2' })],
    });
    expect(reading.error).toBeUndefined();
    expect(reading.supplies.length).toBeGreaterThan(0);
  });

  it('authPriv with SHA-512 and AES-256 reads the device', async () => {
    const { reading } = await readDevice('127.0.24.1', {
      ...session, credentials: [v3({ name: 'strong', authProtocol: 'sha512', authKey: 'auth-pass-3', privProtocol: 'aes256', privKey: 'priv-pass-3' })],
    });
    expect(reading.error).toBeUndefined();
    expect(reading.identity.serial).toBeTruthy();
  });

  it('a wrong key fails fast, says which user, and never shows the key', async () => {
    const started = Date.now();
    const { reading } = await readDevice('127.0.24.1', {
      ...session, timeoutMs: 5000, credentials: [v3({ name: 'secure', authProtocol: 'sha256', authKey: 'wrong-pass-9', privProtocol: 'aes', privKey: 'priv-pass-2' })],
    });
    expect(reading.ok).toBe(false);
    expect(reading.error).toMatch(/authentication failed for v3 user "secure"/);
    expect(reading.error).not.toContain('wrong-pass-9');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('falls through a failing user to one that works', async () => {
    const { reading, credential } = await readDevice('127.0.24.1', {
      ...session,
      credentials: [
        v3({ name: 'nobody', authProtocol: 'sha', authKey: 'whatever-1' }),
        v3({ name: 'reader', authProtocol: 'sha', authKey: 'auth-pass-1' }),
      ],
    });
    expect(reading.ok).toBe(true);
    expect(credential).toBe('v3 user "reader"');
  });
});
