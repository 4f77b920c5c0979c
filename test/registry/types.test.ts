/**
 * One source for the profile format: registry/profile.schema.json and registry/web.schema.json
 * are what amr validates with (ajv) and what editors read; the TypeScript types in
 * src/profiles/types.ts and src/http-scrape/types.ts are written by hand (no schema-to-types
 * generator is among the dependencies). This test reads both with the TypeScript compiler and
 * fails when a key is in one and not the other, in either direction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SNMP_TYPES = join(ROOT, 'src', 'profiles', 'types.ts');
const WEB_TYPES = join(ROOT, 'src', 'http-scrape', 'types.ts');
const program = ts.createProgram([SNMP_TYPES, WEB_TYPES], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
const checker = program.getTypeChecker();

/** The declared type of an exported interface or type alias of a file. */
function declared(file: string, name: string): ts.Type {
  const source = program.getSourceFile(file)!;
  for (const st of source.statements) {
    if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name.text === name) return checker.getTypeAtLocation(st.name);
  }
  throw new Error(`${name} not found in ${file}`);
}

/** Property names of a type (inherited ones included); a path like "supply" descends into a property's own type. */
function keysOf(type: ts.Type, path: string[] = []): string[] {
  let t = type;
  for (const p of path) t = checker.getNonNullableType(checker.getTypeOfSymbol(t.getProperty(p)!));
  return checker.getPropertiesOfType(t).map((s) => s.name).sort();
}

/** Members of a union of string literals. */
function literals(type: ts.Type): string[] {
  return (type.isUnion() ? type.types : [type]).map((t) => (t as ts.StringLiteralType).value).sort();
}

function schemaAt(schema: any, pointer: string): string[] {
  let node = schema;
  for (const part of pointer.split('/').slice(1)) node = node[part];
  return Object.keys(node.properties).sort();
}

const snmp = JSON.parse(readFileSync(join(ROOT, 'registry', 'profile.schema.json'), 'utf8'));
const web = JSON.parse(readFileSync(join(ROOT, 'registry', 'web.schema.json'), 'utf8'));
/** Fields the loaders set, which no file may write. */
const LOADER = ['origin', 'family', 'file'];
const own = (keys: string[]) => keys.filter((k) => !LOADER.includes(k));

describe('profile.schema.json and src/profiles/types.ts name the same keys', () => {
  const cases: Array<[string, string, string[]?]> = [
    ['#', 'Profile'],
    ['#/properties/match', 'ProfileMatch'],
    ['#/definitions/valueSpec/then', 'ValueSpec'],
    ['#/definitions/counter/else', 'ScalarCounter'],
    ['#/definitions/table', 'TableCounter'],
    ['#/definitions/supplyRule', 'SupplyRule'],
    ['#/definitions/supplyRule/properties/when', 'SupplyWhen'],
  ];
  for (const [pointer, type] of cases) {
    it(`${pointer} = ${type}`, () => {
      expect(own(keysOf(declared(SNMP_TYPES, type)))).toEqual(schemaAt(snmp, pointer));
    });
  }
  it('#/properties/identity = IdentityField', () => {
    expect(literals(declared(SNMP_TYPES, 'IdentityField'))).toEqual(schemaAt(snmp, '#/properties/identity'));
  });
  it('#/definitions/counter/then = the table member of CounterSpec', () => {
    expect(schemaAt(snmp, '#/definitions/counter/then')).toEqual(['table']);
    const table = (declared(SNMP_TYPES, 'CounterSpec') as ts.UnionType).types.find((t) => t.getProperty('table'));
    expect(keysOf(table!)).toEqual(['table']);
  });
});

describe('web.schema.json and src/http-scrape/types.ts name the same keys', () => {
  const cases: Array<[string, string, string[]?]> = [
    ['#', 'WebProfile'],
    ['#/definitions/page', 'PageSpec'],
    ['#/definitions/find', 'FindSpec'],
    ['#/definitions/rule', 'ValueRule'],
    ['#/definitions/rule/properties/supply', 'ValueRule', ['supply']],
  ];
  for (const [pointer, type, path] of cases) {
    it(`${pointer} = ${type}${path ? `.${path.join('.')}` : ''}`, () => {
      expect(own(keysOf(declared(WEB_TYPES, type), path))).toEqual(schemaAt(web, pointer));
    });
  }
});

describe('the check itself', () => {
  it('sees a key the types lack', () => {
    const withExtra = { properties: { ...snmp.properties, colour: {} } };
    expect(own(keysOf(declared(SNMP_TYPES, 'Profile')))).not.toEqual(schemaAt(withExtra, '#'));
  });
});
