/** SNMP credentials: what a session authenticates with, and how to name one without revealing it. */
import type { Config } from '../config/types.js';

export type AuthProtocol = 'none' | 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'none' | 'des' | 'aes' | 'aes256' | 'aes256c';

export interface V3User {
  name: string;
  authProtocol: AuthProtocol;
  authKey: string;
  privProtocol: PrivProtocol;
  privKey: string;
  context: string;
}

export type Credential =
  | { version: '1' | '2c'; community: string; label: string; ref?: CredentialRef }
  | { version: '3'; user: V3User; label: string; ref?: CredentialRef };

/**
 * Which credential answered, as the inventory remembers it: no secret, only the
 * version and the position of the community in [snmp] communities (-1: the device's
 * own [device.X] community) or the SNMPv3 user name.
 */
export type CredentialRef = { version: '1' | '2c'; community: number } | { version: '3'; user: string };

const sameRef = (a: CredentialRef, b: CredentialRef): boolean =>
  a.version === b.version && (a.version === '3' ? a.user === (b as { user: string }).user : a.community === (b as { community: number }).community);

/** The list with the credential that last answered first (`amr run` asks with it before the others). */
export function rememberedFirst(list: Credential[], remembered: CredentialRef | null | undefined): Credential[] {
  if (!remembered) return list;
  const i = list.findIndex((c) => c.ref && sameRef(c.ref, remembered));
  return i <= 0 ? list : [list[i]!, ...list.slice(0, i), ...list.slice(i + 1)];
}

/**
 * The credentials to try for a device, in order: its own [device.X] settings,
 * then SNMPv3 users, then each community on v2c, then v1 (as [snmp] version allows).
 * Labels name a credential without its secret ("community #2", "v3 user monitor").
 */
export function credentialsFor(config: Config, host?: string): Credential[] {
  const version = config.snmp.version;
  const device = host ? config.device[host] : undefined;
  const users = config.snmpv3.map((u): V3User => ({
    name: u.user, authProtocol: u.auth_protocol, authKey: u.auth_key ?? '',
    privProtocol: u.priv_protocol, privKey: u.priv_key ?? '', context: u.context,
  }));
  const v3 = (u: V3User, section: string): Credential => ({ version: '3', user: u, label: `v3 user "${u.name}" [snmpv3.${section}]`, ref: { version: '3', user: u.name } });
  const out: Credential[] = [];
  if (device?.snmpv3) {
    const i = config.snmpv3.findIndex((u) => u.name === device.snmpv3);
    if (i >= 0) out.push(v3(users[i]!, config.snmpv3[i]!.name));
  }
  const communities = device?.community ? [device.community] : config.snmp.communities;
  const community = (c: string, i: number, v: '1' | '2c'): Credential => ({
    version: v, community: c, label: device?.community ? `v${v} community of [device.${host}]` : `v${v} community #${i + 1}`,
    ref: { version: v, community: device?.community ? -1 : i },
  });
  if (version === 'auto' || version === '3') config.snmpv3.forEach((u, i) => out.push(v3(users[i]!, u.name)));
  if (version === 'auto' || version === '2c') communities.forEach((c, i) => out.push(community(c, i, '2c')));
  if (version === 'auto' || version === '1') communities.forEach((c, i) => out.push(community(c, i, '1')));
  return dedupe(out);
}

function dedupe(list: Credential[]): Credential[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = c.version === '3' ? `3|${c.user.name}|${c.user.authKey}|${c.user.privKey}` : `${c.version}|${c.community}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
