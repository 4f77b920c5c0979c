/**
 * The profile engine: applies one profile's data to a Reading decoded from the
 * standard MIBs. Pure: varbinds and profile in, the Reading mutated in place, every
 * value's origin written to reading.sources ("profile NAME: OID").
 */
import type { Counter, CounterKey, CounterUnit, Reading, Supply, SupplyState } from '../reading/types.js';
import type { Varbind } from '../snmp/types.js';
import { LOW_PERCENT } from '../reading/supply-level.js';
import { checkCounters } from './checks.js';
import type { CounterSpec, Profile, SupplyRule, TableCounter } from './types.js';
import { parseExpression } from './validate.js';
import { VarbindTable } from '../snmp/varbind-table.js';
import { readIdentity } from './identity.js';
import { SYS_DESCR, cleanDescription, numberOf, regex, textOf } from './values.js';

interface Found { value: number; unit: CounterUnit; oids: string[] }

export function applyProfile(reading: Reading, varbinds: VarbindTable | Varbind[], profile: Profile, previous?: Reading | null): void {
  const idx = VarbindTable.of(varbinds);
  const src = (what: string) => `profile ${profile.name}: ${what}`;
  reading.profile = profile.name;
  applyIdentity(reading, idx, profile, src);
  applyCounters(reading, idx, profile, src);
  applySupplies(reading, idx, profile, src);
  checkCounters(reading, previous);
}

function applyIdentity(reading: Reading, idx: VarbindTable, profile: Profile, src: (w: string) => string): void {
  for (const field of ['serial', 'model', 'firmware'] as const) {
    const current = reading.identity[field];
    const got = readIdentity(profile, idx, field);
    if (!got) continue;
    // The vendor's own model OID names the model exactly; sysDescr/hrDeviceDescr only suggest one.
    const vendorModel = field === 'model' && got.from !== 'sysDescr';
    if (current && !vendorModel && !profile.identityOverride?.includes(field)) continue;
    reading.identity[field] = got.value;
    reading.sources[`identity.${field}`] = src(got.from);
  }
  if (!reading.identity.vendor && profile.vendor) {
    reading.identity.vendor = profile.vendor;
    reading.sources['identity.vendor'] = src('vendor');
  }
}

function normName(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Unit of a counter whose profile entry names none: scans count originals, the rest sides printed. */
function defaultUnit(key: string): CounterUnit {
  return key === 'scan' || (key.startsWith('extra:') && /scan/i.test(key)) ? 'scans' : 'impressions';
}

function tableCounters(idx: VarbindTable, t: TableCounter): Map<string, Found> {
  const out = new Map<string, Found>();
  const codes = t.codes ?? null;
  const names = t.names ?? null;
  const units = t.units ?? null;
  const rowsByName = new Map(Object.entries(t.rows).map(([k, v]) => [normName(k), v]));
  for (const [index, vb] of idx.column(t.values)) {
    const value = numberOf(vb);
    if (value === null || value < 0) continue; // negative: the device does not count this
    let id = index;
    let label = index;
    if (codes) {
      const code = numberOf(idx.cell(codes, index));
      if (code === null) continue;
      id = label = String(code);
    } else if (names) {
      const name = textOf(idx.cell(names, index));
      if (!name) continue;
      label = name;
      id = normName(name);
    }
    const mapped = names ? rowsByName.get(id) : t.rows[id];
    let keys = mapped === undefined ? [] : Array.isArray(mapped) ? mapped : [mapped];
    if (keys.length === 0) {
      if (!t.keepOthers) continue;
      keys = [`extra:${t.othersPrefix ?? ''}${label}`];
    }
    const unitCode = units ? numberOf(idx.cell(units, index)) : null;
    const given = (unitCode !== null && t.unitCodes?.[String(unitCode)]) || t.unit;
    for (const key of keys) {
      const unit = given || defaultUnit(key);
      const prev = out.get(key);
      if (prev) {
        prev.value += value;
        prev.oids.push(vb.oid);
      } else {
        out.set(key, { value, unit, oids: [vb.oid] });
      }
    }
  }
  return out;
}

function scalarCounter(idx: VarbindTable, c: Exclude<CounterSpec, { table: TableCounter }>): Found | null {
  const unit = c.unit ?? defaultUnit(c.key);
  if (c.oid) {
    for (const o of Array.isArray(c.oid) ? c.oid : [c.oid]) {
      const v = numberOf(idx.get(o));
      if (v !== null && v >= 0) return { value: v, unit, oids: [o] };
    }
  }
  if (c.sum) {
    let value = 0;
    const oids: string[] = [];
    for (const o of c.sum) {
      const v = numberOf(idx.get(o));
      if (v === null || v < 0) continue;
      value += v;
      oids.push(o);
    }
    if (oids.length) return { value, unit, oids };
  }
  return null;
}

function setCounter(reading: Reading, key: string, counter: Counter, source: string): void {
  if (key.startsWith('extra:')) {
    const name = key.slice('extra:'.length);
    reading.extraCounters[name] = counter;
    reading.sources[`extraCounters.${name}`] = source;
    return;
  }
  const k = key as CounterKey;
  const before = reading.counters[k];
  if (k === 'total' && before) {
    // The Printer-MIB's prtMarkerLifeCount stays the total (RFC 3805 is the common ground
    // dealers reconcile against); a vendor total only fills in where the MIB has none and
    // is otherwise kept beside it, flagged when the two disagree.
    reading.extraCounters.vendorTotal = counter;
    reading.sources['extraCounters.vendorTotal'] = source;
    if (before.value !== counter.value) {
      reading.flags.push({ code: 'totalDisagrees', path: 'counters.total',
        message: `the vendor's total (${counter.value}) differs from prtMarkerLifeCount (${before.value}); the Printer-MIB figure is reported` });
    }
    return;
  }
  reading.counters[k] = counter;
  reading.sources[`counters.${k}`] = source;
}

function applyCounters(reading: Reading, idx: VarbindTable, profile: Profile, src: (w: string) => string): void {
  const owned = new Set<string>();
  for (const spec of profile.counters ?? []) {
    const found = new Map<string, Found>();
    if ('table' in spec) {
      for (const [k, f] of tableCounters(idx, spec.table)) found.set(k, f);
    } else {
      const f = scalarCounter(idx, spec);
      if (f) found.set(spec.key, f);
    }
    for (const [key, f] of found) {
      if (owned.has(key)) continue; // first spec that yields a key owns it (fallbacks)
      owned.add(key);
      setCounter(reading, key, { value: f.value, unit: f.unit }, src(f.oids.join(' + ')));
    }
  }
  for (const [key, expr] of Object.entries(profile.derive ?? {})) {
    const target = key as CounterKey;
    if (key.startsWith('extra:') ? reading.extraCounters[key.slice(6)] : reading.counters[target]) continue;
    const terms = parseExpression(expr, `derive.${key}`);
    const parts = terms.map((t) => (t.key.startsWith('extra:') ? reading.extraCounters[t.key.slice(6)] : reading.counters[t.key as CounterKey]));
    if (parts.some((p) => !p)) continue;
    const unit = parts[0]!.unit;
    if (parts.some((p) => p!.unit !== unit)) {
      reading.flags.push({ code: 'unitMismatch', path: `counters.${key}`, message: `cannot derive ${key} = ${expr}: the parts are in different units` });
      continue;
    }
    const value = terms.reduce((s, t, i) => s + t.sign * parts[i]!.value, 0);
    if (value < 0) {
      reading.flags.push({ code: 'deriveNegative', path: `counters.${key}`, message: `${key} = ${expr} comes out negative (${value}); not reported` });
      continue;
    }
    setCounter(reading, key, { value, unit }, src(`derived ${expr}`));
  }
}

function ruleMatches(rule: SupplyRule, s: Supply, model: string): boolean {
  const w = rule.when;
  if (w.level && (s.level === null || !w.level.includes(s.level))) return false;
  if (w.max && (s.max === null || !w.max.includes(s.max))) return false;
  if (w.type && !w.type.includes(s.type)) return false;
  if (w.class && !w.class.includes(s.class)) return false;
  if (w.description && !regex(w.description).test(s.description)) return false;
  if (w.model && !regex(w.model).test(model)) return false;
  return true;
}

/** State from a percentage: consumed supplies run out, receptacles fill up. */
export function stateFromPercent(s: Supply, percent: number): SupplyState {
  if (s.class === 'receptacle') return percent >= 100 ? 'full' : percent >= 100 - LOW_PERCENT ? 'almostFull' : 'ok';
  return percent <= 0 ? 'empty' : percent <= LOW_PERCENT ? 'low' : 'ok';
}

function applySupplies(reading: Reading, idx: VarbindTable, profile: Profile, src: (w: string) => string): void {
  const model = [reading.identity.model, textOf(idx.get(SYS_DESCR))].filter(Boolean).join(' ');
  reading.supplies.forEach((s, i) => {
    for (const rule of profile.supplies ?? []) {
      if (!ruleMatches(rule, s, model)) continue;
      const at = `supplies.${i}`;
      if (rule.cleanDescription) {
        const d = cleanDescription(s.description);
        if (d !== s.description) {
          s.description = d;
          reading.sources[`${at}.description`] = src(`rule ${rule.name}`);
        }
      }
      if (rule.invert && s.levelPercent !== null) {
        s.levelPercent = 100 - s.levelPercent;
        s.state = stateFromPercent(s, s.levelPercent);
        reading.sources[`${at}.levelPercent`] = src(`rule ${rule.name}`);
      }
      const coded = s.level !== null ? rule.levelStates?.[String(s.level)] : undefined;
      if (coded || rule.state) {
        s.state = coded ?? rule.state!;
        reading.sources[`${at}.state`] = src(`rule ${rule.name}`);
        // The vendor's meaning of an out-of-RFC level is known: no longer an invalid level.
        if (coded) reading.flags = reading.flags.filter((f) => !(f.code === 'supplyLevelInvalid' && f.path === at));
      }
      if (rule.noPercent || (coded && s.level !== null && s.level < 0)) {
        s.levelPercent = null;
        reading.sources[`${at}.levelPercent`] = src(`rule ${rule.name}`);
      }
    }
  });
}
