/**
 * Checks a parsed profile file and turns it into a Profile, with one clear line for
 * the first thing wrong. Dealer files go through the same checks as built-ins.
 */
import { COUNTER_KEYS } from '../reading/types.js';
import { schemaProblem } from './schema.js';
import { DEVICE_ID } from './values.js';
import type { CounterSpec, Profile, SupplyRule, TableCounter, ValueSpec } from './types.js';

const UNITS = ['impressions', 'sheets', 'pages', 'scans', 'other'];
const STATES = ['ok', 'low', 'empty', 'almostFull', 'full', 'someRemaining', 'unknown', 'unrestricted'];
const IDENTITY = ['serial', 'model', 'firmware'];
const OID_RE = /^\d+(\.\d+)+$/;
const TOP_KEYS = new Set(['name', 'vendor', 'description', 'sources', 'priority', 'match', 'extends', 'identity',
  'identityOverride', 'counters', 'derive', 'supplies']);

export class ProfileError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A counter target: a standard key, or `extra:NAME` for a vendor counter kept by name. */
export function checkCounterKey(key: unknown, where: string): string {
  if (typeof key !== 'string' || key === '') throw new ProfileError(`${where}: counter key must be a string`);
  if ((COUNTER_KEYS as readonly string[]).includes(key)) return key;
  if (/^extra:\S.*$/.test(key)) return key;
  throw new ProfileError(`${where}: unknown counter key "${key}" (use one of ${COUNTER_KEYS.join(', ')}, or extra:NAME for a vendor counter)`);
}

function oid(v: unknown, where: string): string {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !OID_RE.test(s.replace(/^\./, ''))) throw new ProfileError(`${where}: "${String(v)}" is not a dotted OID`);
  return s.replace(/^\./, '');
}

function regex(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new ProfileError(`${where}: expected a regular expression string`);
  try { new RegExp(v, 'i'); } catch (e) { throw new ProfileError(`${where}: bad regular expression: ${(e as Error).message}`); }
  return v;
}

function list<T>(v: unknown, where: string, each: (x: unknown, w: string) => T): T[] {
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x, i) => each(x, `${where}[${i}]`));
}

function unit(v: unknown, where: string) {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !UNITS.includes(v)) throw new ProfileError(`${where}: unit must be one of ${UNITS.join(', ')}`);
  return v as 'impressions';
}

function numbers(v: unknown, where: string): number[] {
  return list(v, where, (x, w) => {
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new ProfileError(`${w}: expected an integer`);
    return x;
  });
}

function strings(v: unknown, where: string): string[] {
  return list(v, where, (x, w) => {
    if (typeof x !== 'string') throw new ProfileError(`${w}: expected a string`);
    return x;
  });
}

function valueSpec(v: unknown, where: string): ValueSpec {
  if (typeof v === 'string') return { oid: oid(v, where) };
  if (!isObj(v)) throw new ProfileError(`${where}: expected an OID or { oid, field, pattern }`);
  const out: ValueSpec = {};
  if (v.oid !== undefined) out.oid = oid(v.oid, `${where}.oid`);
  if (v.sysDescr !== undefined) out.sysDescr = v.sysDescr === true;
  if (v.deviceId === true) {
    if (out.oid && out.oid !== DEVICE_ID) throw new ProfileError(`${where}: give oid or deviceId: true, not both`);
    out.deviceId = true;
    out.oid = DEVICE_ID;
  }
  if (!out.oid && !out.sysDescr) throw new ProfileError(`${where}: needs oid, sysDescr: true or deviceId: true`);
  if (v.field !== undefined) out.field = strings(v.field, `${where}.field`)[0];
  if (v.pattern !== undefined) out.pattern = regex(v.pattern, `${where}.pattern`);
  return out;
}

function table(v: Obj, where: string): TableCounter {
  const t: TableCounter = { values: oid(v.values, `${where}.values`), rows: {} };
  if (v.codes !== undefined) t.codes = oid(v.codes, `${where}.codes`);
  if (v.names !== undefined) t.names = oid(v.names, `${where}.names`);
  if (t.codes && t.names) throw new ProfileError(`${where}: give codes or names, not both`);
  if (v.units !== undefined) {
    t.units = oid(v.units, `${where}.units`);
    if (!isObj(v.unitCodes)) throw new ProfileError(`${where}: units needs unitCodes (code -> unit)`);
    t.unitCodes = {};
    for (const [code, u] of Object.entries(v.unitCodes)) t.unitCodes[code] = unit(u, `${where}.unitCodes.${code}`)!;
  }
  if (!isObj(v.rows)) throw new ProfileError(`${where}.rows: expected a map of code, name or index -> counter key`);
  for (const [row, key] of Object.entries(v.rows)) {
    const w = `${where}.rows["${row}"]`;
    t.rows[row] = Array.isArray(key) ? key.map((k, i) => checkCounterKey(k, `${w}[${i}]`)) : checkCounterKey(key, w);
  }
  if (v.keepOthers !== undefined) t.keepOthers = v.keepOthers === true;
  if (v.othersPrefix !== undefined) t.othersPrefix = String(v.othersPrefix);
  t.unit = unit(v.unit, `${where}.unit`);
  return t;
}

function counter(v: unknown, where: string): CounterSpec {
  if (!isObj(v)) throw new ProfileError(`${where}: expected { key, oid } or { table }`);
  if (v.table !== undefined) {
    if (!isObj(v.table)) throw new ProfileError(`${where}.table: expected a map`);
    return { table: table(v.table, `${where}.table`) };
  }
  const key = checkCounterKey(v.key, `${where}.key`);
  if (v.oid === undefined && v.sum === undefined) throw new ProfileError(`${where}: needs oid or sum`);
  return {
    key,
    ...(v.oid !== undefined ? { oid: list(v.oid, `${where}.oid`, oid) } : {}),
    ...(v.sum !== undefined ? { sum: list(v.sum, `${where}.sum`, oid) } : {}),
    unit: unit(v.unit, `${where}.unit`),
  };
}

export function parseExpression(expr: string, where: string): { sign: 1 | -1; key: string }[] {
  const tokens = expr.trim().split(/\s*([+-])\s*/).filter((t) => t !== '');
  const out: { sign: 1 | -1; key: string }[] = [];
  let sign: 1 | -1 = 1;
  let expectKey = true;
  for (const tok of tokens) {
    if (tok === '+' || tok === '-') {
      if (expectKey && out.length > 0) throw new ProfileError(`${where}: bad expression "${expr}"`);
      sign = tok === '-' ? -1 : 1;
      expectKey = true;
      continue;
    }
    if (!expectKey) throw new ProfileError(`${where}: bad expression "${expr}" (write a + b - c)`);
    out.push({ sign, key: checkCounterKey(tok, where) });
    sign = 1;
    expectKey = false;
  }
  if (out.length === 0 || expectKey) throw new ProfileError(`${where}: bad expression "${expr}"`);
  return out;
}

function supplyRule(v: unknown, where: string): SupplyRule {
  if (!isObj(v) || typeof v.name !== 'string') throw new ProfileError(`${where}: expected { name, when, ... }`);
  if (!isObj(v.when)) throw new ProfileError(`${where}.when: expected a map of conditions`);
  const w = v.when;
  const rule: SupplyRule = { name: v.name, when: {} };
  if (typeof v.note === 'string') rule.note = v.note;
  if (w.level !== undefined) rule.when.level = numbers(w.level, `${where}.when.level`);
  if (w.max !== undefined) rule.when.max = numbers(w.max, `${where}.when.max`);
  if (w.type !== undefined) rule.when.type = strings(w.type, `${where}.when.type`);
  if (w.class !== undefined) rule.when.class = strings(w.class, `${where}.when.class`);
  if (w.description !== undefined) rule.when.description = regex(w.description, `${where}.when.description`);
  if (w.model !== undefined) rule.when.model = regex(w.model, `${where}.when.model`);
  const state = (s: unknown, ww: string) => {
    if (typeof s !== 'string' || !STATES.includes(s)) throw new ProfileError(`${ww}: state must be one of ${STATES.join(', ')}`);
    return s as 'ok';
  };
  if (v.levelStates !== undefined) {
    if (!isObj(v.levelStates)) throw new ProfileError(`${where}.levelStates: expected level -> state`);
    rule.levelStates = {};
    for (const [lvl, s] of Object.entries(v.levelStates)) rule.levelStates[lvl] = state(s, `${where}.levelStates.${lvl}`);
  }
  if (v.state !== undefined) rule.state = state(v.state, `${where}.state`);
  if (v.noPercent !== undefined) rule.noPercent = v.noPercent === true;
  if (v.invert !== undefined) rule.invert = v.invert === true;
  if (v.cleanDescription !== undefined) rule.cleanDescription = v.cleanDescription === true;
  if (!rule.levelStates && !rule.state && !rule.noPercent && !rule.invert && !rule.cleanDescription) {
    throw new ProfileError(`${where}: rule does nothing (give levelStates, state, noPercent, invert or cleanDescription)`);
  }
  return rule;
}

/**
 * `schema: false` only for the built-ins compiled at build time, which passed the schema then.
 * The hand checks run first (their messages name the fix); the schema then refuses what they
 * let through, such as an unknown key inside a counter, supply rule or table.
 */
export function validateProfile(raw: unknown, opts: { schema?: boolean; family?: string } = {}): Profile {
  const p = checkProfile(raw, opts.family !== undefined);
  if (opts.schema !== false) {
    const problem = schemaProblem(raw);
    if (problem) throw new ProfileError(problem);
  }
  return p;
}

/** `inFamily`: the file is in a vendor family's folder, whose vendor.json matches it; a match section is then optional. */
function checkProfile(raw: unknown, inFamily: boolean): Profile {
  if (!isObj(raw)) throw new ProfileError('expected a map with name, match and counters');
  for (const k of Object.keys(raw)) if (!TOP_KEYS.has(k)) throw new ProfileError(`unknown key "${k}"`);
  if (typeof raw.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(raw.name)) {
    throw new ProfileError('name: required, letters, digits, ".", "_" or "-"');
  }
  const p: Profile = { name: raw.name };
  if (typeof raw.vendor === 'string') p.vendor = raw.vendor;
  if (typeof raw.description === 'string') p.description = raw.description;
  if (raw.sources !== undefined) p.sources = strings(raw.sources, 'sources');
  if (raw.priority !== undefined) {
    if (typeof raw.priority !== 'number') throw new ProfileError('priority: expected a number');
    p.priority = raw.priority;
  }
  if (raw.match === undefined && inFamily) {
    // matched by its family's vendor.json
  } else {
    if (!isObj(raw.match)) throw new ProfileError('match: required (sysObjectID, enterprise, sysDescr or oid), or put the file in a vendor family\'s folder (profiles/<family>/snmp.yaml)');
    const m = raw.match;
    const match: NonNullable<Profile['match']> = {};
    if (m.sysObjectID !== undefined) match.sysObjectID = list(m.sysObjectID, 'match.sysObjectID', oid);
    if (m.enterprise !== undefined) match.enterprise = numbers(m.enterprise, 'match.enterprise');
    if (m.sysDescr !== undefined) match.sysDescr = regex(m.sysDescr, 'match.sysDescr');
    if (m.oid !== undefined) match.oid = oid(m.oid, 'match.oid');
    if (!match.sysObjectID && !match.enterprise && !match.sysDescr && !match.oid) {
      throw new ProfileError('match: give at least one of sysObjectID, enterprise, sysDescr, oid');
    }
    p.match = match;
  }
  if (raw.extends !== undefined) {
    if (typeof raw.extends !== 'string' || raw.extends === '') throw new ProfileError('extends: expected the name of another profile');
    p.extends = raw.extends;
  }
  if (raw.identity !== undefined) {
    if (!isObj(raw.identity)) throw new ProfileError('identity: expected serial/model/firmware');
    p.identity = {};
    for (const [field, specs] of Object.entries(raw.identity)) {
      if (!IDENTITY.includes(field)) throw new ProfileError(`identity.${field}: only ${IDENTITY.join(', ')}`);
      p.identity[field as 'serial'] = list(specs, `identity.${field}`, valueSpec);
    }
  }
  if (raw.identityOverride !== undefined) {
    p.identityOverride = strings(raw.identityOverride, 'identityOverride').map((f) => {
      if (!IDENTITY.includes(f)) throw new ProfileError(`identityOverride: "${f}" is not ${IDENTITY.join(', ')}`);
      return f as 'serial';
    });
  }
  if (raw.counters !== undefined) {
    if (!Array.isArray(raw.counters)) throw new ProfileError('counters: expected a list');
    p.counters = raw.counters.map((c, i) => counter(c, `counters[${i}]`));
  }
  if (raw.derive !== undefined) {
    if (!isObj(raw.derive)) throw new ProfileError('derive: expected key -> "a + b" map');
    p.derive = {};
    for (const [key, expr] of Object.entries(raw.derive)) {
      checkCounterKey(key, `derive.${key}`);
      if (typeof expr !== 'string') throw new ProfileError(`derive.${key}: expected an expression string`);
      parseExpression(expr, `derive.${key}`);
      p.derive[key] = expr;
    }
  }
  if (raw.supplies !== undefined) {
    if (!Array.isArray(raw.supplies)) throw new ProfileError('supplies: expected a list of rules');
    p.supplies = raw.supplies.map((r, i) => supplyRule(r, `supplies[${i}]`));
  }
  return p;
}
