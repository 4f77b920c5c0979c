/**
 * SNMPv3 DES privacy on Node 17+ without --openssl-legacy-provider: net-snmp's DES is
 * routed through DES-EDE with K1 = K2 (src/platform/legacy-des.ts). Proven twice: the
 * bytes equal real des-cbc (a child Node WITH the legacy provider), and the real CLI
 * reads a printer through Debian's snmpsim, an agent that is not ours, as an md5/DES user.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDesWithoutLegacyProvider } from '../../src/platform/legacy-des.js';
import '../../src/snmp/session.js';
import { AMR } from '../helpers/cli.js';
import { DEVICES_DIR } from '../helpers/fixtures.js';

const run = promisify(execFile);

type Des = {
  CRYPTO_ALGORITHM: string;
  encryptPdu: (pdu: Buffer, p: number, pw: string, a: number, e: object) => { encryptedPdu: Buffer; msgPrivacyParameters: Buffer };
  decryptPdu: (c: Buffer, p: number, params: Buffer, pw: string, a: number, e: object) => Buffer;
};
const des = (snmp as unknown as { Encryption: { algorithms: Record<number, Des> } }).Encryption.algorithms[snmp.PrivProtocols.des]!;
const passwordToKey = (snmp as unknown as { Authentication: { passwordToKey: (a: number, pw: string, id: Buffer) => Buffer } }).Authentication.passwordToKey;

/** Real single DES-CBC (OpenSSL's legacy provider, in a child Node); hex in, hex out. */
async function realDesCbc(mode: 'encrypt' | 'decrypt', key: Buffer, iv: Buffer, data: Buffer): Promise<Buffer> {
  const script = `const c=require('crypto');const [m,k,i,d]=process.argv.slice(1);` +
    `const x=(m==='encrypt'?c.createCipheriv:c.createDecipheriv)('des-cbc',Buffer.from(k,'hex'),Buffer.from(i,'hex'));` +
    `x.setAutoPadding(false);process.stdout.write(Buffer.concat([x.update(Buffer.from(d,'hex')),x.final()]).toString('hex'))`;
  const { stdout } = await run(process.execPath, ['--openssl-legacy-provider', '-e', script, mode, key.toString('hex'), iv.toString('hex'), data.toString('hex')],
    { env: { ...process.env, NODE_OPTIONS: '' } });
  return Buffer.from(stdout, 'hex');
}

describe('net-snmp DES without the legacy provider', () => {
  const engine = { engineID: Buffer.from('80001f8880e9bd0c1d12667a5100000000', 'hex'), engineBoots: 7, engineTime: 1234 };
  const auth = snmp.AuthProtocols.md5;
  const key = passwordToKey(auth, 'privpass1', engine.engineID);
  const iv = (salt: Buffer) => Buffer.from(key.subarray(8, 16).map((b, i) => b ^ salt[i]!));

  it('is installed by the SNMP session module, once', () => {
    expect(des.CRYPTO_ALGORITHM).not.toBe('des-cbc');
    expect(useDesWithoutLegacyProvider(snmp)).toBe(true);
  });

  it('encrypts what real des-cbc decrypts, padded to 8 octets', async () => {
    const pdu = Buffer.from('302e0411800000020109840301c0a80a0a0400a01702047a1b2c3d020100020100300930070603', 'hex');
    const { encryptedPdu, msgPrivacyParameters } = des.encryptPdu(pdu, snmp.PrivProtocols.des, 'privpass1', auth, engine);
    expect(encryptedPdu.length).toBe(Math.ceil(pdu.length / 8) * 8);
    expect(msgPrivacyParameters.readUInt32BE(0)).toBe(engine.engineBoots);
    const plain = await realDesCbc('decrypt', key.subarray(0, 8), iv(msgPrivacyParameters), encryptedPdu);
    expect(plain.subarray(0, pdu.length)).toEqual(pdu);
  });

  it('decrypts what real des-cbc encrypts', async () => {
    const salt = Buffer.from('0000000112345678', 'hex');
    const pdu = Buffer.from('a0a1a2a3a4a5a6a7b0b1b2b3b4b5b6b7c0c1c2c3c4c5c6c7', 'hex');
    const sealed = await realDesCbc('encrypt', key.subarray(0, 8), iv(salt), pdu);
    expect(sealed).not.toEqual(pdu);
    expect(des.decryptPdu(sealed, snmp.PrivProtocols.des, salt, 'privpass1', auth, engine)).toEqual(pdu);
  });
});

describe('amr read as an md5/DES SNMPv3 user, against snmpsim', () => {
  const HOST = '127.0.47.1';
  const PORT = 16171;
  let state: string;
  let agent: ChildProcess;

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'amr-des-'));
    mkdirSync(join(state, 'data'));
    mkdirSync(join(state, 'cache'));
    // Without --v2c-arch the data file is chosen by the v3 context (and v2c community) "public".
    copyFileSync(join(DEVICES_DIR, 'printers', 'brother.snmprec'), join(state, 'data', 'public.snmprec'));
    for (const p of [state, join(state, 'data'), join(state, 'cache')]) chmodSync(p, 0o777);
    const args = [`--data-dir=${join(state, 'data')}`, `--cache-dir=${join(state, 'cache')}`, `--agent-udpv4-endpoint=${HOST}:${PORT}`,
      '--v3-user=olddes', '--v3-auth-proto=MD5', '--v3-auth-key=authpass1', '--v3-priv-proto=DES', '--v3-priv-key=privpass1',
      `--logging-method=file:${join(state, 'log')}`];
    if (process.getuid?.() === 0) args.push('--process-user=nobody', '--process-group=nogroup');
    agent = spawn('snmpsimd', args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (spawnSync('snmpget', ['-v2c', '-c', 'public', '-t', '0.2', '-r', '0', `${HOST}:${PORT}`, '1.3.6.1.2.1.1.2.0']).status === 0) return;
      if (agent.exitCode !== null) throw new Error(`snmpsimd exited (${agent.exitCode}); see ${state}/log`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('snmpsimd did not answer');
  }, 60_000);
  afterAll(async () => {
    agent?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('reads the same printer as v2c does, with no Node option set', async () => {
    const cli = (args: string[]) => run(process.execPath, [AMR, 'read', '--json', '--no-web', '-p', String(PORT), '--timeout', '3s', ...args, HOST], {
      env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', AMR_CONFIG: '', AMR_DATA_DIR: '/nonexistent-amr-data' },
    });
    const v3 = await cli(['--snmp-version', '3', '--v3-user', 'olddes', '--auth-protocol', 'md5', '--auth-key', 'authpass1',
      '--priv-protocol', 'des', '--priv-key', 'privpass1', '--context', 'public']);
    const v2 = await cli(['--snmp-version', '2c', '--community', 'public']);
    const a = JSON.parse(v3.stdout);
    const b = JSON.parse(v2.stdout);
    expect(a.error).toBeUndefined();
    expect(a.identity.serial).toBe('000A5J431816');
    expect(a.identity).toEqual(b.identity);
    expect(a.counters).toEqual(b.counters);
    expect(a.supplies).toEqual(b.supplies);
    expect(v3.stdout + v3.stderr).not.toMatch(/privpass1|authpass1/);
  }, 60_000);
});
