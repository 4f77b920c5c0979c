/**
 * registry/profile.schema.json, the one description of the profile format that editors
 * (yaml-language-server) and amr both use, checked with ajv. validate.ts keeps what a
 * schema cannot say: regular expressions compile, derive expressions parse.
 * ajv is loaded lazily: a run that uses the compiled built-ins never needs it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';

export const PROFILE_SCHEMA_FILE = fileURLToPath(new URL('../../registry/profile.schema.json', import.meta.url));
/** The web-page profiles' format (registry/<family>/web.json). */
export const WEB_SCHEMA_FILE = fileURLToPath(new URL('../../registry/web.schema.json', import.meta.url));
/** The vendor recognition files' format (registry/<family>/vendor.json): an editor hint, checked against them by the tests. */
export const VENDOR_SCHEMA_FILE = fileURLToPath(new URL('../../registry/vendor.schema.json', import.meta.url));

const validators = new Map<string, ValidateFunction>();

function compiled(file: string): ValidateFunction {
  let validate = validators.get(file);
  if (!validate) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
    validate = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
    validators.set(file, validate);
  }
  return validate;
}

/** `/counters/3/oid` -> `counters[3].oid` (the place as the dealer reads it in the YAML). */
export function yamlPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': return `unknown key "${String(p.additionalProperty)}"`;
    case 'required': return `"${String(p.missingProperty)}" is required`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const': return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'not': return 'give codes or names, not both';
    case 'minProperties': return 'give at least one of sysObjectID, enterprise, sysDescr, oid';
    default: return e.message ?? e.keyword;
  }
}

/** The first thing in `raw` the schema refuses, as `place: what is wrong`, or null. */
export function schemaProblem(raw: unknown, schemaFile: string = PROFILE_SCHEMA_FILE): string | null {
  const check = compiled(schemaFile);
  if (check(raw)) return null;
  // ajv reports a failing branch's own error before the if/anyOf summary: the first is the precise one.
  const e = check.errors![0]!;
  const place = yamlPath(e.instancePath);
  return place ? `${place}: ${describe(e)}` : describe(e);
}
