/**
 * Which proxy a request to the collector goes through: [proxy] url/user/password,
 * or "system" (HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment), or none.
 */
import type { Config } from '../config/types.js';

export interface ProxyChoice {
  /** Full proxy URL including credentials, for the agent only; never printed. */
  url: URL;
  /** What may be shown and journaled: the URL with the user name but never the password. */
  display: string;
  source: 'config' | 'environment';
  /** Where credentials came from, for hints. */
  credentials: 'config' | 'url' | 'none';
}

type Env = Record<string, string | undefined>;

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

export function resolveProxy(config: Config, target: URL, env: Env = process.env): ProxyChoice | null {
  const setting = (config.proxy.url ?? 'system').trim();
  let raw: string | undefined;
  let source: ProxyChoice['source'];
  if (setting === 'none' || setting === '') return null;
  if (setting === 'system') {
    if (bypassed(target, envValue(env, 'no_proxy'))) return null;
    raw = target.protocol === 'https:' ? envValue(env, 'https_proxy') ?? envValue(env, 'http_proxy') : envValue(env, 'http_proxy');
    if (!raw) return null;
    source = 'environment';
  } else {
    raw = setting;
    source = 'config';
  }
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
