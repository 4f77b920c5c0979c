/**
 * Which proxy a request to the collector goes through, and why:
 * - [proxy] url = http://host:port: that proxy; "none": direct.
 * - [proxy] url = system: [proxy] pac when set; on Windows the WinHTTP setting, then
 *   Internet Options (PAC URL, WPAD auto-detection by DNS for the machine's own domain,
 *   static proxy); everywhere HTTPS_PROXY / HTTP_PROXY / NO_PROXY as the fallback.
 * [proxy] user/password apply to whichever proxy is chosen.
 */
import type { Config } from '../config/types.js';
import { compilePac, fetchPac, pacChoice, parsePacResult, systemLookup4, type FindProxy, type Lookup } from './pac.js';
import type { WindowsProxySources } from '../platform/windows-proxy.js';

export type ProxySource = 'config' | 'environment' | 'pac' | 'winhttp' | 'internet-options' | 'wpad';

/** Where a technician changes the proxy a source gave. */
export function proxySourceName(source: ProxySource): string {
  return {
    config: 'config.ini [proxy] url',
    environment: 'HTTPS_PROXY/HTTP_PROXY',
    pac: 'the PAC file ([proxy] pac or Internet Options)',
    winhttp: 'the WinHTTP proxy (netsh winhttp show proxy)',
    'internet-options': 'Internet Options (proxy settings)',
    wpad: 'the WPAD file (wpad.dat)',
  }[source];
}

export interface ProxyChoice {
  /** Full proxy URL including credentials, for the agent only; never printed. */
  url: URL;
  /** What may be shown and journaled: the URL with the user name but never the password. */
  display: string;
  source: ProxySource;
  /** Where credentials came from, for hints. */
  credentials: 'config' | 'url' | 'none';
}

export interface ProxyDecision {
  choice: ProxyChoice | null;
  /** One line: which source decided and what it said (for send --dry-run). */
  why: string;
  /** Sources that were configured but failed (an unreachable PAC file, ...). */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

export interface ProxyDeps {
  env?: Env;
  platform?: NodeJS.Platform;
  /** Windows proxy settings; default: read from the registry with reg.exe. */
  windows?: () => Promise<WindowsProxySources>;
  /** Name lookups of PAC helpers and WPAD; default: the system resolver. */
  lookup?: Lookup;
}

function envValue(env: Env, name: string): string | undefined {
  return env[name.toLowerCase()] ?? env[name.toUpperCase()];
}

/** NO_PROXY: "*", host names (a leading dot or not: suffix match), addresses, optional :port. */
export function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    if (item === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(item)!;
    const name = m[1]!.replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith('.' + name)) return true;
  }
  return false;
}

export function displayProxy(url: URL): string {
  const shown = new URL(url.href);
  shown.password = '';
  return shown.href.replace(/\/$/, '');
}

function makeChoice(config: Config, raw: string, source: ProxySource): ProxyChoice | null {
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return null;
  }
  let credentials: ProxyChoice['credentials'] = url.username ? 'url' : 'none';
  if (config.proxy.user) {
    url.username = encodeURIComponent(config.proxy.user);
    url.password = encodeURIComponent(config.proxy.password ?? '');
    credentials = 'config';
  }
  return { url, display: displayProxy(url), source, credentials };
}

// One PAC compile and one registry read per process: a run asks for every message.
const pacCache = new Map<string, Promise<FindProxy>>();
let windowsCache: Promise<WindowsProxySources> | null = null;

async function defaultWindows(): Promise<WindowsProxySources> {
  windowsCache ??= (async () => {
    const [{ readWindowsProxySettings, regQueryWith }, { runCommand }] = await Promise.all([
      import('../platform/windows-proxy.js'), import('../platform/spawn.js'),
    ]);
    return readWindowsProxySettings(regQueryWith(runCommand));
  })();
  return windowsCache;
}

/** Ask a PAC file; null result means it could not be used (the reason is in `warnings`). */
async function askPac(
  config: Config, target: URL, location: string, label: string, source: ProxySource, lookup: Lookup, warnings: string[], connectTo?: string,
): Promise<ProxyDecision | null> {
  try {
    const key = `${location}@${connectTo ?? ''}`;
    let find = pacCache.get(key);
    if (!find) {
      find = fetchPac(location, { timeoutMs: Math.min(config.server.timeout, 10_000), ...(connectTo ? { connectTo } : {}) }).then((s) => compilePac(s, lookup));
      pacCache.set(key, find);
      find.catch(() => pacCache.delete(key));
    }
    const answer = await (await find)(target.href);
    const entry = pacChoice(parsePacResult(answer));
    const said = `${label} answered "${String(answer).trim() || 'DIRECT'}" for ${target.hostname}`;
    if (!entry) {
      warnings.push(`${said}: amr supports PROXY, HTTPS and DIRECT only`);
      return null;
    }
    if (entry.kind === 'direct') return { choice: null, why: `direct: ${said}`, warnings };
    if (entry.kind !== 'proxy') return null;
    const choice = makeChoice(config, `${entry.scheme}://${entry.host}`, source);
    return choice ? { choice, why: `${choice.display}: ${said}`, warnings } : null;
  } catch (e) {
    warnings.push(`${label} could not be used: ${(e as Error).message}`);
    return null;
  }
}

async function windowsDecision(config: Config, target: URL, deps: ProxyDeps, warnings: string[]): Promise<ProxyDecision | null> {
  const w = await (deps.windows ?? defaultWindows)();
  const { FLAG, proxyForScheme, windowsBypassed, wpadHosts } = await import('../platform/windows-proxy.js');
  const scheme = target.protocol === 'https:' ? 'https' : 'http';
  const lookup = deps.lookup ?? systemLookup4;
  const fixed = (s: { proxy: string; bypass: string }, source: ProxySource, label: string): ProxyDecision | null => {
    if (windowsBypassed(target.hostname, s.bypass)) return { choice: null, why: `direct: ${target.hostname} is in the ${label} bypass list`, warnings };
    const p = proxyForScheme(s.proxy, scheme);
    const choice = p ? makeChoice(config, p, source) : null;
    return choice ? { choice, why: `${choice.display}: the ${label} proxy setting`, warnings } : null;
  };
  if (w.winhttp && w.winhttp.flags & FLAG.proxy && w.winhttp.proxy) {
    const d = fixed(w.winhttp, 'winhttp', 'WinHTTP (netsh winhttp)');
    if (d) return d;
  }
  if (w.internet) {
    const s = w.internet.settings;
    const where = w.internet.where === 'machine' ? 'Internet Options of this PC' : 'Internet Options of the task\'s account';
    if (s.flags & FLAG.autoConfigUrl && s.autoConfigUrl) {
      const d = await askPac(config, target, s.autoConfigUrl, `PAC file ${s.autoConfigUrl} (${where})`, 'pac', lookup, warnings);
      if (d) return d;
    }
    if (s.flags & FLAG.autoDetect) {
      if (!w.domain) warnings.push(`${where}: "Automatically detect settings" is on, but this PC has no DNS domain to look for wpad in (DHCP option 252 is not read)`);
      for (const host of wpadHosts(w.domain)) {
        let address: string;
        try { address = await lookup(host); } catch { continue; }
        const d = await askPac(config, target, `http://${host}/wpad.dat`, `WPAD file http://${host}/wpad.dat (${address})`, 'wpad', lookup, warnings, address);
        if (d) return d;
      }
    }
    if (s.flags & FLAG.proxy && s.proxy) {
      const d = fixed(s, 'internet-options', where);
      if (d) return d;
    }
  }
  return null;
}

export async function explainProxy(config: Config, target: URL, deps: ProxyDeps = {}): Promise<ProxyDecision> {
  const env = deps.env ?? process.env;
  const setting = (config.proxy.url ?? 'system').trim();
  const warnings: string[] = [];
  if (setting === 'none' || setting === '') return { choice: null, why: 'direct: [proxy] url = none', warnings };
  if (setting !== 'system') {
    const choice = makeChoice(config, setting, 'config');
    return choice ? { choice, why: `${choice.display}: [proxy] url in config.ini`, warnings } : { choice: null, why: `direct: [proxy] url "${setting}" is not a URL`, warnings };
  }
  const lookup = deps.lookup ?? systemLookup4;
  if (config.proxy.pac) {
    const d = await askPac(config, target, config.proxy.pac, `PAC file ${config.proxy.pac} ([proxy] pac)`, 'pac', lookup, warnings);
    if (d) return d;
  }
  if ((deps.platform ?? process.platform) === 'win32') {
    try {
      const d = await windowsDecision(config, target, deps, warnings);
      if (d) return d;
    } catch (e) {
      warnings.push(`the Windows proxy settings could not be read: ${(e as Error).message}`);
    }
  }
  if (bypassed(target, envValue(env, 'no_proxy'))) return { choice: null, why: `direct: NO_PROXY exempts ${target.hostname}`, warnings };
  const name = target.protocol === 'https:' && envValue(env, 'https_proxy') ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const raw = target.protocol === 'https:' ? envValue(env, 'https_proxy') ?? envValue(env, 'http_proxy') : envValue(env, 'http_proxy');
  const choice = raw ? makeChoice(config, raw, 'environment') : null;
  if (choice) return { choice, why: `${choice.display}: ${name} in the environment`, warnings };
  return { choice: null, why: `direct: [proxy] url = system and no system proxy is set`, warnings };
}

export async function resolveProxy(config: Config, target: URL, deps: ProxyDeps = {}): Promise<ProxyChoice | null> {
  return (await explainProxy(config, target, deps)).choice;
}

/** Forget cached PAC files and Windows settings (tests; a long-running monitor). */
export function clearProxyCache(): void {
  pacCache.clear();
  windowsCache = null;
}
