/** The engine itself: loading and dealer overrides, validation, requests, sanity checks. */
import { describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfiles } from '../../src/profiles/load.js';
import { profileRequests } from '../../src/profiles/requests.js';
import { checkCounters } from '../../src/profiles/checks.js';
import { validateProfile } from '../../src/profiles/validate.js';
import { UserError } from '../../src/errors.js';
import { emptyReading } from '../../src/reading/types.js';
import { builtins, readWithProfiles, recording } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

function dataDir(files: Record<string, string>): string {
  const dir = tempDir('amr-profiles-');
  mkdirSync(join(dir, 'profiles'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'profiles', name), text);
  return dir;
}

describe('loading', () => {
  test('built-ins cover the required vendors, each with its sources noted', () => {
    const names = builtins().map((p) => p.name);
    for (const n of ['hp', 'canon', 'ricoh', 'kyocera', 'konica-minolta', 'xerox', 'fujifilm', 'brother',
      'lexmark', 'epson', 'sharp', 'toshiba', 'samsung', 'oki']) expect(names).toContain(n);
    for (const p of builtins()) expect(p.sources?.length, p.name).toBeGreaterThan(0);
  });

  test('a dealer file overrides a built-in by name and changes the output, no rebuild', () => {
    const vbs = recording('printers/sharp_mxm266nv.snmprec');
    const before = readWithProfiles(vbs).reading;
    expect(before.counters.mono?.value).toBe(90474);
    const dir = dataDir({
      'my-sharp.yaml': `name: sharp
sources: [dealer test]
match: { sysDescr: '^SHARP' }
counters:
  - key: extra:bwCopies
    oid: 1.3.6.1.4.1.2385.1.1.19.2.1.3.4.4.61
`,
    });
    const profiles = loadProfiles({ dataDir: dir });
    expect(profiles.filter((p) => p.name === 'sharp')).toHaveLength(1);
    const after = readWithProfiles(vbs, profiles).reading;
    expect(after.counters.mono).toBeUndefined();
    expect(after.extraCounters.bwCopies?.value).toBe(65787);
    expect(after.sources['extraCounters.bwCopies']).toBe('profile sharp: 1.3.6.1.4.1.2385.1.1.19.2.1.3.4.4.61');
  });

  test('a bad dealer file is one clear line naming the file, or reported and skipped', () => {
    const dir = dataDir({ 'bad.yaml': 'name: x\nmatch: { enterprise: [1] }\ncounters:\n  - { key: colour, oid: 1.3.6.1.4.1.1.1 }\n' });
    expect(() => loadProfiles({ dataDir: dir })).toThrow(UserError);
    expect(() => loadProfiles({ dataDir: dir })).toThrow(/bad\.yaml: counters\[0\]\.key: unknown counter key "colour"/);
    const skipped: string[] = [];
    const ps = loadProfiles({ dataDir: dir, onError: (f) => skipped.push(f) });
    expect(skipped).toEqual([join(dir, 'profiles', 'bad.yaml')]);
    expect(ps.length).toBe(builtins().length);
  });

  test('validation rejects what would silently misread', () => {
    const base = { name: 't', match: { enterprise: [9] } };
    expect(() => validateProfile({ ...base, match: {} })).toThrow(/match/);
    expect(() => validateProfile({ ...base, counters: [{ key: 'total', oid: 'x.y' }] })).toThrow(/not a dotted OID/);
    expect(() => validateProfile({ ...base, derive: { mono: 'total -' } })).toThrow(/bad expression/);
    expect(() => validateProfile({ ...base, match: { sysDescr: '(' } })).toThrow(/bad regular expression/);
    expect(() => validateProfile({ ...base, colour: 1 })).toThrow(/unknown key "colour"/);
    expect(() => validateProfile({ ...base, supplies: [{ name: 'r', when: {} }] })).toThrow(/does nothing/);
  });
});

test('profileRequests lists only the mapped columns and scalars', () => {
  const ricoh = builtins().find((p) => p.name === 'ricoh')!;
  const req = profileRequests(ricoh);
  expect(req.walk.sort()).toEqual(['1.3.6.1.4.1.367.3.2.1.2.19.5.1.2', '1.3.6.1.4.1.367.3.2.1.2.19.5.1.9']);
  expect(req.get).toContain('1.3.6.1.4.1.367.3.2.1.2.1.4.0');
  expect(req.walk.some((w) => w === '1.3.6.1.4.1.367')).toBe(false);
});

describe('sanity checks flag, never hide', () => {
  const reading = () => {
    const r = emptyReading('127.0.0.1');
    r.counters.total = { value: 1000, unit: 'impressions' };
    return r;
  };

  test('colour greater than total, and parts that do not add up', () => {
    const r = reading();
    r.counters.color = { value: 1500, unit: 'impressions' };
    r.counters.mono = { value: 100, unit: 'impressions' };
    checkCounters(r);
    expect(r.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['colorExceedsTotal', 'partsMismatch']));
    expect(r.counters.color?.value).toBe(1500);
  });

  test('a counter lower than last time (board swap or reset)', () => {
    const prev = reading();
    prev.counters.total = { value: 5000, unit: 'impressions' };
    prev.extraCounters.fax = { value: 10, unit: 'impressions' };
    const r = reading();
    r.extraCounters.fax = { value: 11, unit: 'impressions' };
    checkCounters(r, prev);
    const f = r.flags.find((x) => x.code === 'counterDecreased');
    expect(f?.path).toBe('counters.total');
    expect(f?.message).toMatch(/5000 to 1000/);
    expect(r.flags.filter((x) => x.code === 'counterDecreased')).toHaveLength(1);
  });

  test('sheets against impressions are not compared but flagged', () => {
    const r = reading();
    r.counters.total = { value: 1000, unit: 'sheets' };
    r.counters.mono = { value: 900, unit: 'impressions' };
    r.counters.color = { value: 300, unit: 'impressions' };
    checkCounters(r);
    const got = r.flags.map((f) => f.code);
    expect(got).toContain('unitMismatch');
    expect(got).toContain('unitSheets');
    expect(got).not.toContain('partsMismatch');
  });

  test('applyProfile runs the checks with the previous reading', () => {
    const vbs = recording('printers/konica_c250i.snmprec');
    const prev = readWithProfiles(vbs).reading;
    prev.counters.printColor = { value: 9999, unit: 'impressions' };
    const { reading: r } = readWithProfiles(vbs, builtins(), prev);
    expect(r.flags.find((f) => f.code === 'counterDecreased')?.path).toBe('counters.printColor');
  });
});

describe('compiled built-in profiles', () => {
  test('the build\'s JSON holds exactly what the YAML files say', async () => {
    // dist is built by `npm test` before vitest runs; the compiled file sits beside dist/profiles/load.js.
    const dist = await import('../../dist/profiles/load.js' as string) as typeof import('../../src/profiles/load.js');
    const { existsSync } = await import('node:fs');
    expect(existsSync(dist.BUILTIN_PROFILE_CACHE)).toBe(true);
    const compiled = dist.loadProfiles();
    expect(compiled.length).toBeGreaterThan(10);
    expect(compiled).toEqual(loadProfiles({ builtinDir: dist.BUILTIN_PROFILE_DIR }));
  });

  test('a YAML file newer than the compiled JSON wins: an edit needs no rebuild', async () => {
    const { utimesSync } = await import('node:fs');
    const dir = tempDir('amr-prof-cache-');
    const yaml = join(dir, 'x.yaml');
    const cache = join(tempDir('amr-prof-json-'), 'compiled.json');
    writeFileSync(yaml, 'name: x\nmatch: { enterprise: [1] }\ndescription: from yaml\n');
    writeFileSync(cache, JSON.stringify({ 'x.yaml': { name: 'x', match: { enterprise: [1] }, description: 'from cache' } }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(yaml, old, old);
    expect(loadProfiles({ builtinDir: dir, builtinCache: cache })[0]!.description).toBe('from cache');
    utimesSync(yaml, new Date(), new Date(Date.now() + 60_000));
    expect(loadProfiles({ builtinDir: dir, builtinCache: cache })[0]!.description).toBe('from yaml');
    expect(loadProfiles({ builtinDir: dir, builtinCache: join(dir, 'missing.json') })[0]!.description).toBe('from yaml');
  });
});
