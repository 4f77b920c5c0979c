/**
 * Profiles in the registry's shape: a dealer's <data>/profiles/<family>/snmp.yaml and web.json
 * are matched by the family like the built-ins and replace them; a broken one is one line
 * naming the file and the place. `extends` (Fuji Xerox uses Xerox's counter table) and
 * `deviceId: true` (the IEEE 1284 device ID OID) keep each OID written once.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadWebProfiles, matchWebProfile } from '../../src/http-scrape/profiles.js';
import { loadProfiles } from '../../src/profiles/load.js';
import { validateProfile } from '../../src/profiles/validate.js';
import { DEVICE_ID } from '../../src/profiles/values.js';
import { parseSnmprec } from '../../src/snmp/snmprec.js';
import { DEVICES_DIR } from '../helpers/fixtures.js';
import { builtins, FIXTURES, readWithProfiles, recording } from '../profiles/helpers.js';

const temps: string[] = [];
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'amr-registry-'));
  temps.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'profiles', rel, '..'), { recursive: true });
    writeFileSync(join(dir, 'profiles', rel), text);
  }
  return dir;
}

/** A recording with sysDescr and sysObjectID replaced: the same engine under another badge. */
function rebadged(file: string, sysDescr: string, sysObjectID: string) {
  const text = readFileSync(file.startsWith('/') ? file : join(DEVICES_DIR, file), 'utf8').split('\n').map((l) =>
    l.startsWith('1.3.6.1.2.1.1.1.0|') ? `1.3.6.1.2.1.1.1.0|4|${sysDescr}` : l.startsWith('1.3.6.1.2.1.1.2.0|') ? `1.3.6.1.2.1.1.2.0|6|${sysObjectID}` : l);
  return parseSnmprec(text.join('\n'), file, () => {});
}

const SAVIN = parseSnmprec('1.3.6.1.2.1.1.1.0|4|SAVIN MP C3003 1.02 / SAVIN Network Printer C model\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.367.1.1');

describe('extends: one counter table for Xerox and Fuji Xerox', () => {
  it('fujifilm has xerox\'s counters and derive, and its own identity', () => {
    const fuji = builtins().find((p) => p.name === 'fujifilm')!;
    const xerox = builtins().find((p) => p.name === 'xerox')!;
    expect(fuji.extends).toBe('xerox');
    expect(fuji.counters).toEqual(xerox.counters);
    expect(fuji.derive).toEqual(xerox.derive);
    expect(fuji.identity).not.toEqual(xerox.identity);
  });

  it('Xerox\'s counter fixture badged FUJI XEROX gets the fujifilm profile and the same counters', () => {
    const xerox = readWithProfiles(recording(join(FIXTURES, 'xerox-counters.snmprec')));
    const fuji = readWithProfiles(rebadged(join(FIXTURES, 'xerox-counters.snmprec'), 'FUJI XEROX ApeosPort-VI C4471;System 1.0', '1.3.6.1.4.1.297.1.11.93.1.1'));
    expect(xerox.profile?.name).toBe('xerox');
    expect(fuji.profile?.name).toBe('fujifilm');
    expect(Object.keys(xerox.reading.counters).length).toBeGreaterThan(2);
    expect(fuji.reading.counters).toEqual(xerox.reading.counters);
  });

  it('a profile that extends nothing known, or a chain, is one line naming the file', () => {
    const dir = dataDir({ 'acme.yaml': 'name: acme\nmatch: { enterprise: [99999] }\nextends: nope\n' });
    expect(() => loadProfiles({ dataDir: dir })).toThrow(UserError);
    expect(() => loadProfiles({ dataDir: dir })).toThrow(`profile ${join(dir, 'profiles', 'acme.yaml')}: extends: no profile named "nope"`);
    const chain = dataDir({ 'acme.yaml': 'name: acme\nmatch: { enterprise: [99999] }\nextends: fujifilm\n' });
    expect(() => loadProfiles({ dataDir: chain })).toThrow('extends: "fujifilm" itself extends "xerox"');
  });
});

describe('deviceId: true reads the IEEE 1284 device ID, written once in the engine', () => {
  it('becomes the device-ID OID; an OID beside it is refused', () => {
    const p = validateProfile({ name: 'x', match: { enterprise: [1] }, identity: { model: [{ deviceId: true, field: 'MDL' }] } });
    expect(p.identity?.model?.[0]).toMatchObject({ oid: DEVICE_ID, field: 'MDL' });
    expect(() => validateProfile({ name: 'x', match: { enterprise: [1] }, identity: { model: [{ deviceId: true, oid: '1.3.6.1.4.1.1.1' }] } }))
      .toThrow('identity.model[0]: give oid or deviceId: true, not both');
  });
  it('HP and OKI read their model from it', () => {
    for (const name of ['hp', 'oki']) expect(builtins().find((p) => p.name === name)!.identity?.model?.some((s) => s.oid === DEVICE_ID), name).toBe(true);
  });
});

describe('a dealer\'s profiles in the registry\'s shape', () => {
  it('<data>/profiles/ricoh/snmp.yaml, without match, replaces the built-in and is matched by the Ricoh family', () => {
    const dir = dataDir({ 'ricoh/snmp.yaml': 'name: ricoh\nsources: [dealer test]\ncounters:\n  - { key: extra:dealer, oid: 1.3.6.1.4.1.367.9.9.9.0 }\n' });
    const profiles = loadProfiles({ dataDir: dir });
    expect(profiles.filter((p) => p.name === 'ricoh')).toHaveLength(1);
    const { profile, reason } = readWithProfiles(SAVIN, profiles);
    expect(profile?.origin).toBe(join(dir, 'profiles', 'ricoh', 'snmp.yaml'));
    expect(profile?.vendor).toBe('Ricoh');
    expect(reason).toMatch(/family ricoh/);
  });

  it('a family folder amr does not know, or a name that is not the folder\'s, is one line naming the file', () => {
    const acme = dataDir({ 'acme/snmp.yaml': 'name: acme\ncounters:\n  - { key: total, oid: 1.3.6.1.4.1.99999.1.0 }\n' });
    expect(() => loadProfiles({ dataDir: acme })).toThrow(UserError);
    expect(() => loadProfiles({ dataDir: acme })).toThrow(`profile ${join(acme, 'profiles', 'acme', 'snmp.yaml')}: no vendor family "acme"`);
    const named = dataDir({ 'ricoh/snmp.yaml': 'name: my-ricoh\n' });
    expect(() => loadProfiles({ dataDir: named })).toThrow(`profile ${join(named, 'profiles', 'ricoh', 'snmp.yaml')}: name: "my-ricoh" must be the folder's name, "ricoh"`);
    // outside a family folder, match stays required
    const flat = dataDir({ 'acme.yaml': 'name: acme\n' });
    expect(() => loadProfiles({ dataDir: flat })).toThrow(/acme\.yaml: match: required/);
  });

  it('<data>/profiles/ricoh/web.json replaces the built-in web profile and a Savin gets it', () => {
    const web = { name: 'ricoh-web-image-monitor', onByDefault: true, why: 'dealer test', source: 'dealer test', pages: [{ path: '/dealer/counter', format: 'text', values: [{ counter: 'copy', regex: 'copies (\\d+)' }] }] };
    const dir = dataDir({ 'ricoh/web.json': JSON.stringify(web) });
    const list = loadWebProfiles(undefined, dir);
    expect(list.filter((p) => p.name === web.name)).toHaveLength(1);
    const { reading } = readWithProfiles(SAVIN);
    expect(matchWebProfile(reading, list)?.pages[0]?.path).toBe('/dealer/counter');
    expect(matchWebProfile(reading, loadWebProfiles())?.pages[0]?.path).toBe('/web/guest/en/websys/status/getUnificationCounter.cgi');
  });

  it('a broken dealer web profile is one line naming the file and the place', () => {
    const bad = { name: 'x', onByDefault: true, why: '', source: '', pages: [{ path: '/a', format: 'html', values: [{ counter: 'total', selector: 'td', untt: 'sheets' }] }] };
    const dir = dataDir({ 'ricoh/web.json': JSON.stringify(bad) });
    expect(() => loadWebProfiles(undefined, dir)).toThrow(UserError);
    expect(() => loadWebProfiles(undefined, dir)).toThrow(`web profile ${join(dir, 'profiles', 'ricoh', 'web.json')}: pages[0].values[0]: unknown key "untt"`);
    const unknown = dataDir({ 'acme/web.json': JSON.stringify({ ...bad, pages: [] }) });
    expect(() => loadWebProfiles(undefined, unknown)).toThrow(`web profile ${join(unknown, 'profiles', 'acme', 'web.json')}: no vendor family "acme"`);
  });
});

describe('a broken vendor.json', () => {
  it('is one line naming the file and the place', async () => {
    const { loadFamilies } = await import('../../src/registry/families.js');
    const dir = mkdtempSync(join(tmpdir(), 'amr-registry-'));
    temps.push(dir);
    mkdirSync(join(dir, 'acme'));
    const file = join(dir, 'acme', 'vendor.json');
    const cases: Array<[unknown, string]> = [
      [{ vendor: 'Acme', descr: [{ match: '^(Acme' }] }, 'descr[0].match: bad regular expression'],
      [{ vendor: 'Acme', oids: [{ prefix: '1.3.6.1.4.1.99999', kind: 'printr' }] }, 'oids[0].kind: kind must be one of printer, mfp, network, host, other'],
      [{ vendor: 'Acme', oids: [{ prefix: 'iso.3.6' }] }, 'oids[0].prefix: "iso.3.6" is not a dotted OID'],
      [{ vendor: 'Acme', brand: [] }, 'unknown key "brand"'],
      [{ vendor: 'Acme', models: [{ from: 'sysdescr', match: '(x)' }] }, 'models[0].from: must be one of'],
    ];
    for (const [data, place] of cases) {
      writeFileSync(file, JSON.stringify(data));
      expect(() => loadFamilies(dir)).toThrow(UserError);
      expect(() => loadFamilies(dir)).toThrow(`vendor file ${file}: ${place}`);
    }
    writeFileSync(file, '{ "vendor": ');
    expect(() => loadFamilies(dir)).toThrow(`vendor file ${file}: not valid JSON`);
  });

  it('registry/vendor.schema.json (the editor hint) refuses the same files at the same place', async () => {
    const { schemaProblem, VENDOR_SCHEMA_FILE } = await import('../../src/profiles/schema.js');
    const cases: Array<[unknown, string]> = [
      [{ vendor: 'Acme', oids: [{ prefix: '1.3.6.1.4.1.99999', kind: 'printr' }] }, 'oids[0].kind: must be one of printer, mfp, network, host, other'],
      [{ vendor: 'Acme', oids: [{ prefix: 'iso.3.6' }] }, 'oids[0].prefix: '],
      [{ vendor: 'Acme', brand: [] }, 'unknown key "brand"'],
      [{ vendor: 'Acme', models: [{ from: 'sysdescr', match: '(x)' }] }, 'models[0].from: must be one of sysDescr, hrDeviceDescr, deviceId, vendorModel'],
      [{ vendor: 'Acme', descr: [{ match: '^Acme', kind: 'printer', note: 'x' }] }, 'descr[0]: unknown key "note"'],
      [{ oids: [] }, '"vendor" is required'],
    ];
    for (const [data, place] of cases) expect(schemaProblem(data, VENDOR_SCHEMA_FILE)).toContain(place);
  });
});

describe('registry/vendor.schema.json', () => {
  it('every built-in vendor.json validates against it (a fresh ajv, draft-07)', async () => {
    const { Ajv } = await import('ajv');
    const { VENDOR_SCHEMA_FILE } = await import('../../src/profiles/schema.js');
    const { REGISTRY_DIR, VENDOR_FILE, familyDirs } = await import('../../src/registry/families.js');
    const check = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(JSON.parse(readFileSync(VENDOR_SCHEMA_FILE, 'utf8')));
    const ids = familyDirs(REGISTRY_DIR);
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) {
      check(JSON.parse(readFileSync(join(REGISTRY_DIR, id, VENDOR_FILE), 'utf8')));
      expect({ id, errors: check.errors ?? null }).toEqual({ id, errors: null });
    }
  });

  it('names the same keys, kinds and model sources as the loader', async () => {
    const { VENDOR_SCHEMA_FILE } = await import('../../src/profiles/schema.js');
    const { ENTRY_KEYS, KEYS, KINDS, SOURCES } = await import('../../src/registry/families.js');
    const schema = JSON.parse(readFileSync(VENDOR_SCHEMA_FILE, 'utf8'));
    expect(Object.keys(schema.properties).sort()).toEqual([...KEYS].sort());
    for (const [key, keys] of Object.entries(ENTRY_KEYS)) expect(Object.keys(schema.properties[key].items.properties).sort(), key).toEqual([...keys].sort());
    expect(schema.definitions.kind.enum).toEqual([...KINDS]);
    expect(schema.properties.models.items.properties.from.enum).toEqual([...SOURCES]);
  });
});
