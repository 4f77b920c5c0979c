/** Where a page rule's value goes, and its name in notes and reading.sources. Pure, no HTML parser. */
import { COUNTER_KEYS, type Reading, type Supply } from '../reading/types.js';
import type { PageSpec, ValueRule, WebTarget } from './types.js';

export function targetOf(rule: ValueRule): WebTarget | null {
  const unit = rule.unit ?? 'impressions';
  if (rule.counter !== undefined) {
    return (COUNTER_KEYS as readonly string[]).includes(rule.counter) ? { kind: 'counter', key: rule.counter, unit } : null;
  }
  if (rule.extra !== undefined) return { kind: 'extra', name: rule.extra, unit };
  if (rule.supply !== undefined) return { kind: 'supply', type: rule.supply.type, color: rule.supply.color ?? null };
  if (rule.identity !== undefined) return { kind: 'identity', field: rule.identity };
  return null;
}

export function targetName(t: WebTarget): string {
  switch (t.kind) {
    case 'counter': return `counters.${t.key}`;
    case 'extra': return `extraCounters.${t.name}`;
    case 'supply': return `supply ${t.color ? `${t.color} ` : ''}${t.type}`;
    case 'identity': return `identity.${t.field}`;
  }
}

/** The targets a page's rules fill (none known for a page read by a named parser). */
export function pageTargets(page: PageSpec): WebTarget[] {
  return (page.values ?? []).map(targetOf).filter((t): t is WebTarget => t !== null);
}

/** True when the SNMP Reading already has a value for this target. */
export function readingHas(reading: Reading, t: WebTarget): boolean {
  switch (t.kind) {
    case 'counter': return reading.counters[t.key] !== undefined;
    case 'extra': return reading.extraCounters[t.name] !== undefined;
    case 'identity': return !!reading.identity[t.field];
    case 'supply': return reading.supplies.some((s) => sameSupply(s, t.type, t.color) && s.levelPercent !== null);
  }
}

/** The Reading's supply a page's supply value is about (pages name types loosely: "ink", "drum"). */
export function sameSupply(s: Supply, type: string, color: string | null): boolean {
  const t = s.type.toLowerCase();
  const want = type.toLowerCase();
  const typeOk = t === want || (want === 'ink' && /ink/.test(t)) || (want === 'opc' && /opc|drum/.test(t)) || (want === 'toner' && t === 'toner');
  return typeOk && (s.color ?? null)?.toLowerCase() === color?.toLowerCase();
}

