/**
 * The proxy Windows uses, read from the registry (the binary values do not depend on
 * the Windows language, unlike `netsh winhttp show proxy` text):
 * - WinHTTP (services, `netsh winhttp set proxy`): HKLM\...\Internet Settings\Connections\WinHttpSettings
 * - Internet Options (WinINet: proxy, "Use setup script" = PAC URL, "Automatically detect" = WPAD):
 *   DefaultConnectionSettings under HKLM (machine-wide policy) and the account's HKCU.
 * Both values share one layout: DWORD version, DWORD counter, DWORD flags, then
 * length-prefixed strings: proxy, bypass list, auto-config URL.
 * Parsing is pure; `readWindowsProxySettings` runs reg.exe by full path.
 */
import { systemTool } from './system-tools.js';

export const FLAG = { direct: 0x1, proxy: 0x2, autoConfigUrl: 0x4, autoDetect: 0x8 } as const;

export interface ProxySettings {
  flags: number;
  /** "host:port", or per scheme "http=h:p;https=h:p". */
  proxy: string;
  /** Semicolon list: host names with * wildcards, "<local>" for names without a dot. */
  bypass: string;
  /** PAC URL ("Use setup script"). */
  autoConfigUrl: string;
}

/** Parse WinHttpSettings / DefaultConnectionSettings bytes; null when too short to be one. */
export function parseConnectionSettings(bytes: Buffer): ProxySettings | null {
  if (bytes.length < 12) return null;
  const flags = bytes.readUInt32LE(8);
  let at = 12;
  const str = (): string => {
    if (at + 4 > bytes.length) return '';
    const len = bytes.readUInt32LE(at);
    at += 4;
    if (len === 0 || at + len > bytes.length) { at += len; return ''; }
    const s = bytes.subarray(at, at + len).toString('latin1').replace(/\0+$/, '');
    at += len;
    return s;
  };
  const proxy = str();
  const bypass = str();
  const autoConfigUrl = str();
  return { flags, proxy, bypass, autoConfigUrl };
}

/** Encode settings the way Windows stores them (tests build registry values with it). */
export function encodeConnectionSettings(s: ProxySettings, version = 0x46): Buffer {
  const str = (v: string) => {
    const b = Buffer.from(v, 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return Buffer.concat([len, b]);
  };
  const head = Buffer.alloc(12);
  head.writeUInt32LE(version, 0);
  head.writeUInt32LE(s.flags, 8);
  return Buffer.concat([head, str(s.proxy), str(s.bypass), str(s.autoConfigUrl), Buffer.alloc(32)]);
}

/** Values of one key from `reg query KEY` output: name -> { type, data }. */
export function parseRegQuery(output: string): Map<string, { type: string; data: string }> {
  const values = new Map<string, { type: string; data: string }>();
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s{2,}(.+?)\s{2,}(REG_[A-Z_]+)\s{2,}?(.*)$/.exec(line) ?? /^\s{2,}(.+?)\s{2,}(REG_[A-Z_]+)$/.exec(line);
    if (m) values.set(m[1]!.trim(), { type: m[2]!, data: (m[3] ?? '').trim() });
  }
  return values;
}

/** REG_BINARY data as reg.exe prints it (hex digits) to bytes. */
export function regBinary(hex: string): Buffer {
  return Buffer.from(hex.replace(/[^0-9a-f]/gi, ''), 'hex');
}

/** The proxy for a URL scheme from a WinINet proxy string ("h:p" or "http=h:p;https=h:p"). */
export function proxyForScheme(proxy: string, scheme: 'http' | 'https'): string | null {
  const parts = proxy.split(/[;\s]+/).filter(Boolean);
  if (!parts.length) return null;
  if (!parts.some((p) => p.includes('='))) return parts[0]!;
  const map = new Map(parts.map((p) => { const i = p.indexOf('='); return [p.slice(0, i).toLowerCase(), p.slice(i + 1)] as const; }));
  // WinHTTP uses the http= entry for https when there is no https= entry.
  return map.get(scheme) ?? map.get('http') ?? null;
}

/** Whether the Windows bypass list ("<local>;*.corp;10.*") exempts this host. */
export function windowsBypassed(host: string, bypass: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of bypass.split(/[;\s]+/)) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    if (item === '<local>') {
      if (!h.includes('.') && !h.includes(':')) return true;
      continue;
    }
    const re = new RegExp(`^${item.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (re.test(h)) return true;
  }
  return false;
}

export const KEYS = {
  connections: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections',
  userConnections: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections',
  tcpip: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters',
} as const;

export interface WindowsProxySources {
  winhttp: ProxySettings | null;
  /** Internet Options of the machine (policy) and of the task's account, first found. */
  internet: { where: 'machine' | 'account'; settings: ProxySettings } | null;
  /** The machine's primary DNS suffix, '' when it has none (WPAD is then not tried). */
  domain: string;
}

export type RegQuery = (key: string) => Promise<string | null>;

/** Read the three sources with `reg query` (reg.exe by full path); a missing key is null. */
export async function readWindowsProxySettings(query: RegQuery): Promise<WindowsProxySources> {
  const [conn, user, tcpip] = await Promise.all([query(KEYS.connections), query(KEYS.userConnections), query(KEYS.tcpip)]);
  const binary = (out: string | null, name: string) => {
    const v = out ? parseRegQuery(out).get(name) : undefined;
    return v && v.type === 'REG_BINARY' ? parseConnectionSettings(regBinary(v.data)) : null;
  };
  const machine = binary(conn, 'DefaultConnectionSettings');
  const account = binary(user, 'DefaultConnectionSettings');
  const tv = tcpip ? parseRegQuery(tcpip) : new Map();
  const domain = (tv.get('Domain')?.data || tv.get('NV Domain')?.data || '').trim().toLowerCase();
  return {
    winhttp: binary(conn, 'WinHttpSettings'),
    internet: machine && machine.flags & ~FLAG.direct ? { where: 'machine', settings: machine } : account ? { where: 'account', settings: account } : machine ? { where: 'machine', settings: machine } : null,
    domain,
  };
}

/** reg.exe by full path; null when the key is absent. */
export function regQueryWith(run: (argv: string[]) => Promise<{ code: number; stdout: string }>, env?: Record<string, string | undefined>): RegQuery {
  return async (key) => {
    const r = await run([systemTool('reg', env), 'query', key]);
    return r.code === 0 ? r.stdout : null;
  };
}

/**
 * WPAD candidates by DNS for the machine's own domain, as Windows devolves it:
 * corp.example.com -> wpad.corp.example.com, wpad.example.com (never a top-level name).
 */
export function wpadHosts(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; labels.length - i >= 2; i++) out.push(`wpad.${labels.slice(i).join('.')}`);
  return out;
}
