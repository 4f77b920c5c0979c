/** `amr profile list|test` run through the real CLI entry (in-process, output captured). */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { DEVICES } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string) => { out += c; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => { err += c; return true; }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'amr', ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
    process.exitCode = 0;
  }
}

const empty = tempDir('amr-prof-cli-');
afterEach(() => { process.exitCode = 0; });

describe('amr profile', () => {
  test('list shows built-ins', async () => {
    const r = await run('profile', 'list', '--data-dir', empty);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sharp\s+Sharp\s+built-in/m);
    expect(r.out).toMatch(/^konica-minolta /m);
  });

  test('test shows the matched profile and each value with key and OID', async () => {
    const r = await run('profile', 'test', join(DEVICES, 'printers/konica_c250i.snmprec'), '--data-dir', empty);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^profile: konica-minolta \(sysDescr/m);
    expect(r.out).toMatch(/counters\.printColor\s+6711 impressions\s+profile konica-minolta: 1\.3\.6\.1\.4\.1\.18334\.1\.1\.1\.5\.7\.2\.2\.1\.5\.2\.2/);
  });

  test('test --json and --profile; a dealer profile is listed with its file', async () => {
    const dir = tempDir('amr-prof-cli-');
    mkdirSync(join(dir, 'profiles'));
    writeFileSync(join(dir, 'profiles', 'acme.yaml'), 'name: acme\nsources: [test]\nmatch: { enterprise: [99999] }\ncounters:\n  - { key: extra:sharpBw, oid: 1.3.6.1.4.1.2385.1.1.19.2.1.3.5.4.61 }\n');
    const list = await run('profile', 'list', '--data-dir', dir);
    expect(list.out).toMatch(new RegExp(`^acme .*${join(dir, 'profiles', 'acme.yaml').replace(/[.]/g, '\\.')}`, 'm'));
    const r = await run('profile', 'test', join(DEVICES, 'printers/sharp_mxm266nv.snmprec'), '--data-dir', dir, '--profile', 'acme', '--json');
    const j = JSON.parse(r.out);
    expect(j.profile).toBe('acme');
    expect(j.values).toContainEqual({ path: 'extraCounters.sharpBw', value: 90474, unit: 'impressions', source: 'profile acme: 1.3.6.1.4.1.2385.1.1.19.2.1.3.5.4.61' });
  });

  test('bad input: one line, exit 2, no stack', async () => {
    const missing = await run('profile', 'test', '/nonexistent/x.snmprec', '--data-dir', empty);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/cannot read recording/);
    const unknown = await run('profile', 'test', join(DEVICES, 'printers/brother.snmprec'), '--data-dir', empty, '--profile', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no profile named "nope"/);
  });
});
