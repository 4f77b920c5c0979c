/** Secrets never appear in output or logs: show config with them masked, and scrub any text of them. */
import { NAMED_SCHEMA, SCHEMA, type SectionSpec } from './schema.js';
import type { Config } from './types.js';
import { formatDuration } from './duration.js';

const MASK = '********';

function isSecret(spec: SectionSpec, key: string): boolean {
  const type = spec[key]?.type;
  return type === 'secret' || type === 'secret-list';
}

/** Every secret value in the config (communities, keys, passwords), longest first. */
export function secretsOf(config: Config): string[] {
  const found: string[] = [];
  const collect = (spec: SectionSpec, section: Record<string, unknown>) => {
    for (const key of Object.keys(spec)) {
      if (!isSecret(spec, key)) continue;
      const v = section[key];
      if (Array.isArray(v)) found.push(...v.map(String));
      else if (typeof v === 'string') found.push(v);
    }
  };
  for (const [name, spec] of Object.entries(SCHEMA)) collect(spec, config[name as keyof typeof SCHEMA] as Record<string, unknown>);
  for (const user of config.snmpv3) collect(NAMED_SCHEMA.snmpv3, user);
  for (const dev of Object.values(config.device)) collect(NAMED_SCHEMA.device, dev);
  return [...new Set(found.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}

/** Replace every occurrence of any secret in `text` with a mask. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(MASK);
  return out;
}

/** The config as ini sections of display strings, secrets masked (set) or empty (unset). */
export function configView(config: Config): Array<{ section: string; entries: Array<[string, string]> }> {
  const show = (spec: SectionSpec, section: Record<string, unknown>): Array<[string, string]> =>
    Object.keys(spec).map((key) => {
      const v = section[key];
      if (isSecret(spec, key)) {
        const set = Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.length > 0;
        return [key, set ? (Array.isArray(v) ? v.map(() => MASK).join(', ') : MASK) : ''];
      }
      return [key, display(v, spec[key]!.type)];
    });
  const out = Object.entries(SCHEMA).map(([name, spec]) => ({
    section: name,
    entries: show(spec, config[name as keyof typeof SCHEMA] as Record<string, unknown>),
  }));
  for (const user of config.snmpv3) out.push({ section: `snmpv3.${user.name}`, entries: show(NAMED_SCHEMA.snmpv3, user) });
  for (const [addr, dev] of Object.entries(config.device)) out.push({ section: `device.${addr}`, entries: show(NAMED_SCHEMA.device, dev) });
  return out;
}

function display(v: unknown, type: string): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (type === 'duration' && typeof v === 'number') return formatDuration(v);
  return String(v);
}

/**
 * The config as typed JSON sections (`config show --json`): numbers, booleans and lists as
 * themselves, durations in milliseconds (the key says so: `every_ms`), secrets masked.
 */
export function configJson(config: Config): Record<string, Record<string, unknown>> {
  const show = (spec: SectionSpec, section: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(spec)) {
      const v = section[key];
      if (isSecret(spec, key)) {
        const set = Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.length > 0;
        out[key] = Array.isArray(v) ? v.map(() => MASK) : set ? MASK : null;
      } else if (spec[key]!.type === 'duration') {
        out[`${key}_ms`] = v ?? null;
      } else out[key] = v ?? null;
    }
    return out;
  };
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(SCHEMA)) out[name] = show(spec, config[name as keyof typeof SCHEMA] as Record<string, unknown>);
  for (const user of config.snmpv3) out[`snmpv3.${user.name}`] = show(NAMED_SCHEMA.snmpv3, user);
  for (const [addr, dev] of Object.entries(config.device)) out[`device.${addr}`] = show(NAMED_SCHEMA.device, dev);
  return out;
}
