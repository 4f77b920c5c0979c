/**
 * Proxy auto-configuration: a PAC file evaluated by pac-resolver in its QuickJS
 * (WebAssembly) sandbox, never in Node's own context. The PAC helpers that touch the
 * network are replaced: names are resolved through the injected lookup (tests never
 * ask a DNS server) and myIpAddress() reads the interfaces instead of connecting to
 * 8.8.8.8 as pac-resolver's own does.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { isIPv4 } from 'node:net';
import { fileURLToPath } from 'node:url';

export type Lookup = (host: string) => Promise<string>;

export const systemLookup4: Lookup = async (host) => (await dnsLookup(host, { family: 4 })).address;

/** One entry of a PAC answer ("PROXY a:1; DIRECT"), in order. */
export type PacEntry = { kind: 'direct' } | { kind: 'proxy'; scheme: 'http' | 'https'; host: string } | { kind: 'unsupported'; text: string };

/** Parse FindProxyForURL's answer; an empty or null answer means DIRECT. */
export function parsePacResult(result: string | null | undefined): PacEntry[] {
  const entries: PacEntry[] = [];
  for (const part of String(result ?? '').split(';')) {
    const [word = '', target = ''] = part.trim().split(/\s+/);
    const w = word.toUpperCase();
    if (!w) continue;
    if (w === 'DIRECT') entries.push({ kind: 'direct' });
    else if ((w === 'PROXY' || w === 'HTTP' || w === 'HTTPS') && target) entries.push({ kind: 'proxy', scheme: w === 'HTTPS' ? 'https' : 'http', host: target });
    else entries.push({ kind: 'unsupported', text: part.trim() });
  }
  return entries.length ? entries : [{ kind: 'direct' }];
}

/** The first entry amr can use: a proxy over HTTP(S) or DIRECT (SOCKS is not supported). */
export function pacChoice(entries: PacEntry[]): PacEntry | null {
  return entries.find((e) => e.kind !== 'unsupported') ?? null;
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function myIpAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** The helpers pac-resolver's sandbox gets instead of its own networked ones. */
function sandbox(lookup: Lookup) {
  const resolve4 = async (host: string): Promise<string | null> => {
    if (isIPv4(host)) return host;
    try { return await lookup(host); } catch { return null; }
  };
  return {
    dnsResolve: async (host: string) => resolve4(host),
    isResolvable: async (host: string) => (await resolve4(host)) !== null,
    isInNet: async (host: string, pattern: string, mask: string) => {
      const ip = await resolve4(host);
      if (!ip || !isIPv4(pattern) || !isIPv4(mask)) return false;
      const m = ipv4Number(mask);
      return ((ipv4Number(ip) & m) >>> 0) === ((ipv4Number(pattern) & m) >>> 0);
    },
    myIpAddress: async () => myIpAddress(),
    alert: () => {},
  };
}

/**
 * quickjs-wasi's WebAssembly binary: from the installed package, or beside the
 * program (the Windows exe ships quickjs.wasm next to amr.exe).
 */
export function quickjsWasmPath(): string {
  const candidates: string[] = [];
  try { candidates.push(createRequire(import.meta.url).resolve('quickjs-wasi/quickjs.wasm')); } catch { /* bundled */ }
  candidates.push(join(dirname(process.execPath), 'quickjs.wasm'));
  try { candidates.push(join(dirname(fileURLToPath(import.meta.url)), 'quickjs.wasm')); } catch { /* not a file URL */ }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`quickjs.wasm (PAC sandbox) not found; looked at ${candidates.join(', ')}`);
  return found;
}

export type FindProxy = (url: string) => Promise<string>;

/** Compile a PAC script; the answer function takes the full target URL. */
export async function compilePac(script: string, lookup: Lookup = systemLookup4): Promise<FindProxy> {
  const [{ QuickJS }, { createPacResolver }] = await Promise.all([import('quickjs-wasi'), import('pac-resolver')]);
  const qjs = await QuickJS.create({ wasm: readFileSync(quickjsWasmPath()) });
  const find = createPacResolver(qjs, script, { sandbox: sandbox(lookup) as never });
  return (url: string) => find(url);
}

/** A net lookup that answers one address (with or without `all`, as Node's autoSelectFamily asks). */
function fixedLookup(address: string) {
  return ((_host: string, opts: { all?: boolean }, cb: (e: null, a: unknown, f?: number) => void) => {
    if (opts?.all) cb(null, [{ address, family: 4 }]);
    else cb(null, address, 4);
  }) as never;
}

const MAX_PAC_BYTES = 1024 * 1024;

/**
 * Fetch a PAC file directly (never through a proxy): http(s) URL, file: URL or a local
 * path. `connectTo` overrides the address connected to (WPAD: the address already
 * looked up), keeping the Host header.
 */
export async function fetchPac(location: string, options: { timeoutMs?: number; connectTo?: string } = {}): Promise<string> {
  if (!/^https?:/i.test(location)) {
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    return readFileSync(path, 'utf8');
  }
  const url = new URL(location);
  const mod = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<string>((resolve, reject) => {
    const req = mod.get(url, {
      timeout: options.timeoutMs ?? 10_000,
      agent: false,
      ...(options.connectTo ? { lookup: fixedLookup(options.connectTo) } : {}),
    }, (res) => {
      if ((res.statusCode ?? 0) !== 200) {
        res.resume();
        reject(new Error(`${location} answered HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_PAC_BYTES) { req.destroy(new Error(`${location} is larger than 1 MB: not a PAC file`)); return; }
        chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${location} did not answer within ${Math.round((options.timeoutMs ?? 10_000) / 1000)} s`)));
    req.on('error', reject);
  });
}
