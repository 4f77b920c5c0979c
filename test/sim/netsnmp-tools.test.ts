/** Cross-check with a second independent client: Debian's net-snmp command line tools. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { compareOids, type Varbind } from '../../src/snmp/types.js';
import { endpoint, recording } from './helpers.js';

const run = promisify(execFile);
const haveTools = existsSync('/usr/bin/snmpbulkwalk') && existsSync('/usr/bin/snmpget');

/** Parse `-On -Oe -Ot` output lines ".1.3... = TYPE: value" into OID -> [type, value text]. */
function parse(stdout: string): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const line of stdout.split('\n')) {
    const m = /^\.([\d.]+) = (?:([\w-]+): )?(.*)$/.exec(line);
    if (m && !m[3]!.startsWith('No more variables left')) out.set(m[1]!, [m[2] ?? '', m[3]!]);
  }
  return out;
}

const NUMERIC: Partial<Record<Varbind['type'], string>> = {
  Integer: 'INTEGER', Counter32: 'Counter32', Gauge32: 'Gauge32', Counter64: 'Counter64', TimeTicks: '' /* -Ot prints bare ticks */, IpAddress: 'IpAddress',
};

describe.skipIf(!haveTools)('simulator answering Debian snmp tools', () => {
  const ep = endpoint();
  const target = `${ep.address}:${ep.port}`;
  let sim: Simulator;
  const jetdirect = [...recording('jetdirect')].sort((a, b) => compareOids(a.oid, b.oid));

  beforeAll(async () => {
    sim = await startSimulator({
      devices: [{ ...ep, varbinds: jetdirect, v3Users: [
        { name: 'secure', authProtocol: 'sha256', authKey: 'authpass1', privProtocol: 'aes', privKey: 'privpass1' },
        { name: 'md5des', authProtocol: 'md5', authKey: 'authpass1', privProtocol: 'des', privKey: 'privpass1' },
        { name: 'big', authProtocol: 'sha512', authKey: 'authpass1', privProtocol: 'aes256', privKey: 'privpass1' },
      ] }],
    });
  });
  afterAll(async () => { await sim?.stop(); });

  function expectSameTree(got: Map<string, [string, string]>, expected: Varbind[]) {
    expect([...got.keys()]).toEqual(expected.map((vb) => vb.oid));
    for (const vb of expected) {
      const name = NUMERIC[vb.type];
      if (name === undefined) continue;
      const [type, text] = got.get(vb.oid)!;
      if (type !== '' || name === '') expect(type, vb.oid).toBe(name);
      else expect(text, vb.oid).toMatch(/ seconds$/); // snmpEngineTime: the MIB's UNITS replace the type
      expect(text.replace(/ seconds$/, ''), vb.oid).toBe(String(vb.value));
    }
  }

  it('snmpbulkwalk v2c sees the whole recording with the same values', async () => {
    const { stdout } = await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-Oe', '-Ot', '-t', '2', '-r', '0', '-Cr25', target, '.1.3.6.1']);
    expectSameTree(parse(stdout), jetdirect);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/No more variables left in this MIB View/); // endOfMibView
  });

  it('snmpwalk v1 sees it too, minus Counter64', async () => {
    const { stdout } = await run('snmpwalk', ['-v1', '-c', 'public', '-On', '-Oe', '-Ot', '-t', '2', '-r', '0', target, '.1.3.6.1']);
    expectSameTree(parse(stdout), jetdirect.filter((vb) => vb.type !== 'Counter64'));
  });

  it('snmpget v2c reports exceptions like any agent', async () => {
    const { stdout } = await run('snmpget', ['-v2c', '-c', 'public', '-On', '-t', '2', '-r', '0', target, '.1.3.6.1.2.1.1.3.0', '.1.3.6.1.2.1.1.1', '.1.3.6.1.4.1.99999.1']);
    expect(stdout).toMatch(/\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks/);
    expect(stdout).toMatch(/No Such Instance/);
    expect(stdout).toMatch(/No Such Object/);
  });

  it.each([
    ['secure', 'SHA-256', 'AES'],
    ['big', 'SHA-512', 'AES-256'],
  ])('snmpget v3 authPriv %s (%s + %s)', async (user, auth, priv) => {
    const { stdout } = await run('snmpget', ['-v3', '-l', 'authPriv', '-u', user, '-a', auth, '-A', 'authpass1', '-x', priv, '-X', 'privpass1',
      '-On', '-t', '2', '-r', '0', target, '.1.3.6.1.2.1.1.5.0']);
    const name = jetdirect.find((vb) => vb.oid === '1.3.6.1.2.1.1.5.0')!.value as Buffer;
    expect(stdout).toContain(`STRING: "${name.toString('utf8')}"`);
  });

  it('snmpbulkwalk v3 authNoPriv walks everything', async () => {
    const { stdout } = await run('snmpbulkwalk', ['-v3', '-l', 'authNoPriv', '-u', 'secure', '-a', 'SHA-256', '-A', 'authpass1',
      '-On', '-Oe', '-Ot', '-t', '2', '-r', '0', target, '.1.3.6.1']);
    expectSameTree(parse(stdout), jetdirect);
  });

  it('snmpget v3 with a wrong password fails with an authentication error, not a timeout', async () => {
    const t0 = Date.now();
    const err = await run('snmpget', ['-v3', '-l', 'authNoPriv', '-u', 'secure', '-a', 'SHA-256', '-A', 'wrongpass1',
      '-t', '3', '-r', '0', target, '.1.3.6.1.2.1.1.5.0']).then(() => null, (e: { stderr: string }) => e);
    expect(err?.stderr).toMatch(/Authentication failure|incorrect password/i);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('snmpget v3 with DES privacy, where this OpenSSL still allows DES', async (ctx) => {
    const res = await run('snmpget', ['-v3', '-l', 'authPriv', '-u', 'md5des', '-a', 'MD5', '-A', 'authpass1', '-x', 'DES', '-X', 'privpass1',
      '-On', '-t', '2', '-r', '0', target, '.1.3.6.1.2.1.1.5.0']).then((r) => r.stdout, (e: { stderr: string }) => `ERR ${e.stderr}`);
    if (/^ERR .*(Unsupported|not supported|unknown|Invalid)/i.test(res)) ctx.skip(); // the client cannot do DES
    expect(res).toContain('.1.3.6.1.2.1.1.5.0 = STRING:');
  });
});
