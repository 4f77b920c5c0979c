/** registry/profile.schema.json: built-ins validate, it agrees with the engine, a broken profile is one line with its place. */
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { BUILTIN_PROFILE_DIR, loadProfiles, profileFiles } from '../../src/profiles/load.js';
import { PROFILE_SCHEMA_FILE, WEB_SCHEMA_FILE, yamlPath } from '../../src/profiles/schema.js';
import { parseProfile, PROFILE_DIR as WEB_DIR, WEB_PROFILE_FILE } from '../../src/http-scrape/profiles.js';
import { familyDirs } from '../../src/registry/families.js';
import { validateProfile } from '../../src/profiles/validate.js';
import { COUNTER_KEYS } from '../../src/reading/types.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(PROFILE_SCHEMA_FILE, 'utf8'));

function dataDir(file: string, text: string): string {
  const dir = tempDir('amr-schema-');
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(join(dir, 'profiles', file), text);
  return dir;
}

const base = 'name: acme\nmatch: { enterprise: [99999] }\n';

describe('profile.schema.json', () => {
  test('every built-in profile validates against it (a fresh ajv, draft-07)', () => {
    const check = new Ajv({ strictRequired: false, allowUnionTypes: true }).compile(schema);
    const files = profileFiles(BUILTIN_PROFILE_DIR).map((f) => f.rel);
    expect(files.length).toBeGreaterThan(15);
    expect(files.every((f) => /^[a-z-]+\/snmp\.yaml$/.test(f))).toBe(true);
    for (const f of files) {
      const ok = check(parse(readFileSync(join(BUILTIN_PROFILE_DIR, f), 'utf8')));
      expect({ f, errors: check.errors ?? null }).toEqual({ f, errors: null });
      expect(ok).toBe(true);
    }
  });

  test('its counter keys are the engine\'s', () => {
    expect(schema.definitions.counterKey.anyOf[0].enum).toEqual([...COUNTER_KEYS]);
  });

  test('places read as in the YAML', () => {
    expect(yamlPath('/counters/3/oid')).toBe('counters[3].oid');
    expect(yamlPath('/counters/0/table/rows/Full Color')).toBe('counters[0].table.rows["Full Color"]');
  });

  test('what the hand checks let through is refused with its place', () => {
    const p = { name: 'acme', match: { enterprise: [1] } };
    expect(() => validateProfile({ ...p, counters: [{ key: 'total', oid: '1.3.6', unitt: 'sheets' }] })).toThrow('counters[0]: unknown key "unitt"');
    expect(() => validateProfile({ ...p, supplies: [{ name: 'x', when: { levle: [1] }, state: 'low' }] })).toThrow('supplies[0].when: unknown key "levle"');
    expect(() => validateProfile({ ...p, counters: [{ table: { values: '1.3.6', rows: {}, keepOther: true } }] })).toThrow('counters[0].table: unknown key "keepOther"');
    expect(() => validateProfile({ ...p, identity: { model: [{ oid: '1.3.6', feild: 'MDL' }] } })).toThrow('identity.model[0]: unknown key "feild"');
    expect(() => validateProfile({ ...p, vendor: 7 })).toThrow('vendor: must be string');
    // and the hand checks keep their messages
    expect(() => validateProfile({ ...p, counters: [{ key: 'colour', oid: '1.3.6' }] })).toThrow(/counters\[0\]\.key: unknown counter key "colour"/);
  });

  test('a broken built-in is a user error naming the file and place', () => {
    const dir = tempDir('amr-schema-');
    writeFileSync(join(dir, 'x.yaml'), `${base}counters:\n  - { key: total, oid: 1.3.6.1.2.1.43.10.2.1.4.1.1, unit: sheet }\n`);
    expect(() => loadProfiles({ builtinDir: dir })).toThrow(UserError);
    expect(() => loadProfiles({ builtinDir: dir })).toThrow(`profile ${join(dir, 'x.yaml')}: counters[0].unit: unit must be one of`);
  });
});

describe('web.schema.json', () => {
  test('every web-page profile validates against it (a fresh ajv)', () => {
    const check = new Ajv({ strictRequired: false, allowUnionTypes: true }).compile(JSON.parse(readFileSync(WEB_SCHEMA_FILE, 'utf8')));
    const files = familyDirs(WEB_DIR).flatMap((d) => readdirSync(join(WEB_DIR, d)).filter((f) => WEB_PROFILE_FILE.test(f)).map((f) => join(d, f)));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      check(JSON.parse(readFileSync(join(WEB_DIR, f), 'utf8')));
      expect({ f, errors: check.errors ?? null }).toEqual({ f, errors: null });
    }
  });

  test('an unknown key in a value rule is refused with file and place', () => {
    const page = { path: '/c', format: 'html', values: [{ counter: 'total', selector: 'td', untt: 'sheets' }] };
    expect(() => parseProfile(JSON.stringify({ name: 'x', vendor: 'HP', onByDefault: true, pages: [page] }), 'x.json'))
      .toThrow('web profile x.json: pages[0].values[0]: unknown key "untt"');
  });
});

describe('a dealer\'s broken profile through the real CLI', () => {
  const amr = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'amr.js'), ...args], { encoding: 'utf8' });
  const recording = join(ROOT, 'test', 'fixtures', 'devices', 'printers', 'brother.snmprec');
  const cases: [string, string, string][] = [
    ['unknown key in a counter', `${base}counters:\n  - { key: total, oid: 1.3.6.1.4.1.1.1 }\n  - { key: mono, oid: 1.3.6.1.4.1.1.2 }\n  - { key: color, oid: 1.3.6.1.4.1.1.3 }\n  - { key: scan, oid: 1.3.6.1.4.1.1.4, unitt: scans }\n`, 'counters[3]: unknown key "unitt"'],
    ['bad OID', `${base}counters:\n  - { key: total, oid: 1.3.6.1.4.1.1.1 }\n  - { key: mono, oid: 'iso.3.6' }\n`, 'counters[1].oid[0]: "iso.3.6" is not a dotted OID'],
    ['unknown key in a supply rule', `${base}supplies:\n  - { name: x, when: { levle: [1] }, state: low }\n`, 'supplies[0].when: unknown key "levle"'],
  ];
  for (const [what, text, place] of cases) {
    test(`${what}: profile list and profile test, one line, exit 2`, () => {
      const dir = dataDir('acme.yaml', text);
      const file = join(dir, 'profiles', 'acme.yaml');
      for (const r of [amr('profile', 'list', '--data-dir', dir), amr('profile', 'test', recording, '--data-dir', dir)]) {
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(`profile ${file}: ${place}`);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    });
  }
});
