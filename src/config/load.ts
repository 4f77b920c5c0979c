/**
 * Load config.ini with `ini` and validate it against the schema into one typed
 * Config. Any problem is a UserError naming file, section, key, value and what is allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import ini from 'ini';
import { UserError } from '../errors.js';
import { formatDuration, parseDuration } from './duration.js';
import { defaultDataDir } from './paths.js';
import { NAMED_SCHEMA, SCHEMA, type KeySpec, type SectionSpec } from './schema.js';
import type { Config } from './types.js';
import { isValidTargetToken } from './targets-syntax.js';

type Raw = Record<string, unknown>;

/** Where amr looks for config.ini: --config, then $AMR_CONFIG, then the data folder. */
export function resolveConfigPath(explicit?: string): string | null {
  if (explicit) return explicit;
  if (process.env.AMR_CONFIG) return process.env.AMR_CONFIG;
  const candidate = `${defaultDataDir()}/config.ini`;
  return existsSync(candidate) ? candidate : null;
}

/**
 * Load and validate. With no file, built-in defaults apply and `requireCustomer`
 * decides whether the missing customer code is an error (it is for send and run).
 */
export function loadConfig(explicit?: string, options: { requireFile?: boolean } = {}): Config {
  const path = resolveConfigPath(explicit);
  if (!path) {
    if (options.requireFile) {
      throw new UserError(`no config.ini found: pass --config FILE or set AMR_CONFIG, or put one in ${defaultDataDir()}`);
    }
    return parseConfig('', null);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read config file (${code === 'ENOENT' ? 'it does not exist' : code ?? 'error'})`);
  }
  return parseConfig(decodeConfigText(bytes), path);
}

/**
 * config.ini as text, whatever wrote it: UTF-8 with or without a BOM, or UTF-16 with a
 * BOM (Windows PowerShell 5.1's `>` writes UTF-16 LE), little or big endian.
 */
export function decodeConfigText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** ini keeps the last of two equal keys silently; a duplicate is more often a mistake than a wish. */
function checkDuplicates(where: string, text: string): void {
  let section = '';
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith(';') || t.startsWith('#')) return;
    const head = /^\[(.*)\]$/.exec(t);
    if (head) { section = head[1]!.trim().toLowerCase(); return; }
    const eq = t.indexOf('=');
    const key = (eq < 0 ? t : t.slice(0, eq)).trim();
    const id = `${section}\u0000${key}`;
    const first = seen.get(id);
    if (first !== undefined) {
      throw new UserError(`${where}: [${section || '(no section)'}] ${key} is set twice, on line ${first} and line ${i + 1}; keep one`);
    }
    seen.set(id, i + 1);
  });
}

/** Parse and validate config text; `file` names it in messages (null: built-in defaults). */
export function parseConfig(text: string, file: string | null): Config {
  const where = file ?? 'config';
  checkDuplicates(where, text.replace(/^\uFEFF/, ''));
  // ini splits section names on dots; a device's address keeps its dots ([device.192.168.1.20]).
  const escaped = text.replace(/^\uFEFF/, '').replace(/^(\s*\[\s*(?:snmpv3|device)\.)([^\]]*)\]/gim,
    (_m, head: string, name: string) => `${head}${name.trim().replace(/\./g, '\\.')}]`);
  const raw = ini.parse(escaped) as Raw;
  const config: Raw = { file, snmpv3: [], device: {} };
  const topKeys = Object.keys(raw).filter((k) => typeof raw[k] !== 'object' || raw[k] === null);
  if (topKeys.length) {
    throw new UserError(`${where}: key "${topKeys[0]}" is outside any section; put it under one of [${Object.keys(SCHEMA).join('], [')}]`);
  }
  checkUnknown(where, raw);
  for (const [name, spec] of Object.entries(SCHEMA)) {
    const section = raw[name] as Raw | undefined;
    config[name] = validateSection(where, name, section ?? {}, spec, name === 'agent' && file !== null);
  }
  for (const [name, value] of Object.entries(raw)) {
    if (name in SCHEMA) continue;
    const nested = NAMED_SCHEMA[name as keyof typeof NAMED_SCHEMA];
    if (!nested) {
      const allowed = [...Object.keys(SCHEMA), 'snmpv3.NAME', 'device.ADDRESS'];
      throw new UserError(`${where}: unknown section [${name}]${suggest(name, allowed)}; allowed sections: ${allowed.join(', ')}`);
    }
    for (const [sub, body] of Object.entries(value as Raw)) {
      if (typeof body !== 'object' || body === null) {
        throw new UserError(`${where}: [${name}] needs a name, like [${name}.${name === 'device' ? '192.168.1.20' : 'office'}]; "${sub}" is outside one`);
      }
      const section = validateSection(where, `${name}.${sub}`, body as Raw, nested, true);
      if (name === 'snmpv3') (config.snmpv3 as Raw[]).push({ name: sub, ...section });
      else (config.device as Record<string, Raw>)[sub] = section;
    }
  }
  const agent = config.agent as Raw;
  if (agent.customer === null) agent.customer = '';
  if (agent.id === null) agent.id = hostname().toLowerCase();
  if (agent.data_dir === null) agent.data_dir = defaultDataDir();
  crossCheck(where, config as unknown as Config);
  return config as unknown as Config;
}

/** Unknown sections and keys first, so a typo is reported before a consequence of it. */
function checkUnknown(where: string, raw: Raw): void {
  for (const [name, body] of Object.entries(raw)) {
    const spec: SectionSpec | undefined = (SCHEMA as Record<string, SectionSpec>)[name];
    if (spec) validateKeys(where, name, body as Raw, spec);
  }
}

function validateKeys(where: string, section: string, body: Raw, spec: SectionSpec): void {
  for (const [key, value] of Object.entries(body)) {
    if (!(key in spec)) {
      const allowed = Object.keys(spec);
      throw new UserError(`${where}: [${section}] unknown key "${key}"${suggest(key, allowed)}; allowed keys: ${allowed.join(', ')}`);
    }
    if (typeof value === 'object' && value !== null) {
      throw new UserError(`${where}: [${section}] ${key} is given as a list; write one comma-separated value`);
    }
  }
}

function validateSection(where: string, section: string, body: Raw, spec: SectionSpec, enforceRequired: boolean): Raw {
  const out: Raw = {};
  validateKeys(where, section, body, spec);
  for (const [key, keySpec] of Object.entries(spec)) {
    const given = body[key];
    const text = given === undefined ? keySpec.default : String(given).trim();
    if (text === undefined || (text === '' && keySpec.type !== 'string')) {
      if (keySpec.required && enforceRequired) {
        throw new UserError(`${where}: [${section}] ${key} is required: ${keySpec.doc}`);
      }
      out[key] = emptyValue(keySpec);
      continue;
    }
    out[key] = convert(where, section, key, text, keySpec);
  }
  return out;
}

function emptyValue(spec: KeySpec): unknown {
  return ['list', 'int-list', 'secret-list', 'url-list', 'targets'].includes(spec.type) ? [] : null;
}

function convert(where: string, section: string, key: string, text: string, spec: KeySpec): unknown {
  const bad = (allowed: string): never => {
    const shown = spec.type === 'secret' || spec.type === 'secret-list' ? '(hidden)' : `"${text}"`;
    throw new UserError(`${where}: [${section}] ${key} = ${shown} is not valid: ${allowed}`);
  };
  const list = () => text.split(',').map((s) => s.trim()).filter(Boolean);
  switch (spec.type) {
    case 'string':
    case 'secret':
    case 'path':
      return text;
    case 'int': {
      if (!/^-?\d+$/.test(text)) bad('expected a whole number');
      const n = Number(text);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        bad(`expected a whole number from ${spec.min ?? '-∞'} to ${spec.max ?? '∞'}`);
      }
      return n;
    }
    case 'bool': {
      const t = text.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(t)) return true;
      if (['false', 'no', 'off', '0'].includes(t)) return false;
      return bad('expected true or false');
    }
    case 'duration': {
      const ms = parseDuration(text);
      if (ms === null) return bad('expected a duration such as 1500ms, 2s, 5m, 4h or 7d');
      if ((spec.min !== undefined && ms < spec.min) || (spec.max !== undefined && ms > spec.max)) {
        bad(`expected a duration from ${formatDuration(spec.min ?? 0)} to ${spec.max !== undefined ? formatDuration(spec.max) : 'any'}`);
      }
      return ms;
    }
    case 'enum': {
      const t = text.toLowerCase();
      return spec.values!.includes(t) ? t : bad(`expected one of ${spec.values!.join(', ')}`);
    }
    case 'list':
    case 'secret-list':
      return list();
    case 'int-list':
      return list().map((item) => {
        const n = Number(item);
        return /^\d+$/.test(item) && n >= 1 && n <= 65535 ? n : bad('expected comma-separated port numbers (1-65535)');
      });
    case 'url':
      return checkUrl(text, bad);
    case 'url-list':
      return list().map((u) => checkUrl(u, bad));
    case 'targets':
      for (const t of list()) if (!isValidTargetToken(t)) bad(`"${t}" is not a CIDR (10.1.0.0/16), range (192.168.1.10-192.168.1.50 or 192.168.1-3.1-254), address or host name`);
      return list();
  }
}

function checkUrl(text: string, bad: (allowed: string) => never): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('expected a URL such as https://s1.example.net/amr');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') bad('expected an https:// (or http://) URL');
  if (url.username || url.password) bad('credentials do not belong in the URL; use agent_key');
  return text.replace(/\/+$/, '');
}

function crossCheck(where: string, config: Config): void {
  if (!config.server.allow_http) {
    const plain = config.server.urls.find((u) => u.startsWith('http:'));
    if (plain) throw new UserError(`${where}: [server] urls has plain HTTP "${plain}"; use https:// or set allow_http = true`);
  }
  const proxy = config.proxy.url;
  if (proxy !== 'system' && proxy !== 'none' && proxy !== '') {
    try {
      const u = new URL(proxy);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      throw new UserError(`${where}: [proxy] url = "${proxy}" is not valid: expected http://host:port, "system" or "none"`);
    }
  }
  const pac = config.proxy.pac;
  if (pac && /^[a-z][a-z0-9+.-]*:\/\//i.test(pac) && !/^(https?|file):\/\//i.test(pac)) {
    throw new UserError(`${where}: [proxy] pac = "${pac}" is not valid: expected an http(s):// URL or a file path`);
  }
  const names = new Set(config.snmpv3.map((u) => u.name));
  for (const [addr, dev] of Object.entries(config.device)) {
    if (dev.snmpv3 && !names.has(dev.snmpv3)) {
      throw new UserError(`${where}: [device.${addr}] snmpv3 = "${dev.snmpv3}" names no [snmpv3.${dev.snmpv3}] section`);
    }
  }
  for (const user of config.snmpv3) {
    if (user.auth_protocol !== 'none' && (user.auth_key ?? '').length < 8) {
      throw new UserError(`${where}: [snmpv3.${user.name}] auth_key must be at least 8 characters for auth_protocol = ${user.auth_protocol}`);
    }
    if (user.priv_protocol !== 'none') {
      if (user.auth_protocol === 'none') throw new UserError(`${where}: [snmpv3.${user.name}] priv_protocol needs an auth_protocol too (SNMPv3 has no privacy without authentication)`);
      if ((user.priv_key ?? '').length < 8) throw new UserError(`${where}: [snmpv3.${user.name}] priv_key must be at least 8 characters for priv_protocol = ${user.priv_protocol}`);
    }
  }
}

/** " (did you mean X?)" for a near miss, else "". */
function suggest(word: string, options: string[]): string {
  let best = '';
  let bestScore = Infinity;
  for (const option of options) {
    const d = distance(word.toLowerCase(), option.toLowerCase());
    if (d < bestScore) [best, bestScore] = [option, d];
  }
  return bestScore <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
