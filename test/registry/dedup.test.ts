/**
 * Every fact of vendor knowledge is written once: no OID and no regular expression appears
 * in two files of registry/ (a family's vendor.json against its snmp.yaml's and web.json's,
 * or one family against another). Built-in profiles have no match section (the family's
 * vendor.json matches) and web profiles no vendor (the folder says it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REGISTRY_DIR, familyDirs } from '../../src/registry/families.js';

/** Keys whose string values are regular expressions, in vendor.json, snmp.yaml and web.json. */
const REGEX_KEYS = new Set(['match', 'mfp', 'sysDescr', 'pattern', 'description', 'model', 'label', 'after', 'regex']);
const OID = /^\.?1\.3\.6\.1\.\d+(\.\d+)+$/;

interface Fact { kind: 'OID' | 'regex'; text: string; file: string; place: string }

/** Every OID (any string, or map key, that is one) and every regex-valued string of a parsed file. */
export function facts(value: unknown, file: string, place = '', key = ''): Fact[] {
  if (typeof value === 'string') {
    if (OID.test(value)) return [{ kind: 'OID', text: value.replace(/^\./, ''), file, place }];
    if (REGEX_KEYS.has(key) && value !== '') return [{ kind: 'regex', text: value, file, place }];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => facts(v, file, `${place}[${i}]`, key));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(OID.test(k) ? [{ kind: 'OID' as const, text: k.replace(/^\./, ''), file, place: place ? `${place}.${k}` : k }] : []),
      ...facts(v, file, place ? `${place}.${k}` : k, k),
    ]);
  }
  return [];
}

function registryFiles(dir: string): Array<{ file: string; data: unknown }> {
  const out: Array<{ file: string; data: unknown }> = [];
  for (const family of familyDirs(dir)) {
    for (const name of readdirSync(join(dir, family)).sort()) {
      const text = readFileSync(join(dir, family, name), 'utf8');
      if (/\.json$/.test(name)) out.push({ file: `${family}/${name}`, data: JSON.parse(text) });
      else if (/\.ya?ml$/.test(name)) out.push({ file: `${family}/${name}`, data: parse(text) });
    }
  }
  return out;
}

/**
 * A regular expression as the check compares it: `\s+`, `\s*`, `\s` and runs of spaces all
 * become one space, so a copy that differs only in how it spells a blank ('Attached to (\S+)'
 * against 'Attached to\s+(\S+)') is still a copy.
 */
export function sameRegex(source: string): string {
  return source.replace(/(?:\\s[+*]?| +)+/g, ' ');
}

/** Facts written in more than one file, as one line each: the fact and the places. */
export function duplicates(files: Array<{ file: string; data: unknown }>): string[] {
  const seen = new Map<string, Fact[]>();
  for (const { file, data } of files) {
    for (const f of facts(data, file)) {
      const k = `${f.kind} ${f.kind === 'regex' ? sameRegex(f.text) : f.text}`;
      seen.set(k, [...(seen.get(k) ?? []), f]);
    }
  }
  const out: string[] = [];
  for (const list of seen.values()) {
    if (new Set(list.map((f) => f.file)).size > 1) out.push(`${list[0]!.kind} ${list[0]!.text}: ${list.map((f) => `${f.file} ${f.place}`).join(', ')}`);
  }
  return out;
}

describe('the registry writes each fact once', () => {
  const files = registryFiles(REGISTRY_DIR);

  it('reads every family folder', () => {
    expect(files.filter((f) => f.file.endsWith('/vendor.json')).length).toBeGreaterThan(20);
    expect(files.filter((f) => f.file.endsWith('/snmp.yaml')).length).toBeGreaterThan(15);
    expect(files.filter((f) => f.file.endsWith('/web.json')).length).toBeGreaterThan(8);
  });

  it('no OID or regular expression is in two files', () => {
    expect(duplicates(files)).toEqual([]);
  });

  it('profiles carry no match section and no vendor name: the family folder is the key', () => {
    for (const { file, data } of files) {
      if (file.endsWith('/vendor.json')) continue;
      expect(Object.keys(data as object), file).not.toContain('match');
      expect(Object.keys(data as object), file).not.toContain('vendor');
    }
  });

  it('a built-in SNMP profile takes the model in sysDescr from its vendor.json, never a pattern of its own', () => {
    const own = files.filter((f) => f.file.endsWith('/snmp.yaml')).flatMap(({ file, data }) =>
      ((data as { identity?: { model?: Array<{ sysDescr?: boolean; pattern?: string }> } }).identity?.model ?? [])
        .filter((spec) => typeof spec === 'object' && spec.sysDescr).map((spec) => `${file}: ${spec.pattern}`));
    expect(own).toEqual([]);
  });

  it('the check finds a pattern or OID copied into another file', () => {
    const ricoh = { descr: [{ match: '^RICOH\\s' }], oids: [{ prefix: '1.3.6.1.4.1.367' }] };
    expect(duplicates([{ file: 'ricoh/vendor.json', data: ricoh }, { file: 'ricoh/snmp.yaml', data: { match: { sysDescr: '^RICOH\\s' } } }]))
      .toEqual(['regex ^RICOH\\s: ricoh/vendor.json descr[0].match, ricoh/snmp.yaml match.sysDescr']);
    expect(duplicates([{ file: 'ricoh/vendor.json', data: ricoh }, { file: 'savin/vendor.json', data: { oids: [{ prefix: '.1.3.6.1.4.1.367' }] } }]))
      .toEqual(['OID 1.3.6.1.4.1.367: ricoh/vendor.json oids[0].prefix, savin/vendor.json oids[0].prefix']);
    // a pattern that differs only in how it writes a blank is the same pattern
    expect(duplicates([{ file: 'oki/vendor.json', data: { models: [{ from: 'sysDescr', match: 'Attached to\\s+(\\S+)' }] } },
      { file: 'oki/snmp.yaml', data: { identity: { model: [{ sysDescr: true, pattern: 'Attached to (\\S+)' }] } } }]))
      .toEqual(['regex Attached to\\s+(\\S+): oki/vendor.json models[0].match, oki/snmp.yaml identity.model[0].pattern']);
    // the same OID twice in one file (one table column read for two maps) is not a copy
    expect(duplicates([{ file: 'canon/snmp.yaml', data: { counters: [{ table: { values: '1.3.6.1.4.1.1602.1' } }, { table: { values: '1.3.6.1.4.1.1602.1' } }] } }])).toEqual([]);
  });
});
