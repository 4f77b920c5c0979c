/**
 * The credentials a sweep tries, in order, built from the config: SNMPv3 users first
 * (when version is auto or 3), then each community as v2c, then as v1 (auto), or only
 * the configured version. What a found device remembers is a reference that holds no secret.
 */
import type { Config } from '../config/types.js';
import type { UsmUser } from '../snmp/usm.js';

export type Credential =
  | { kind: 'community'; version: 0 | 1; community: string; index: number }
  | { kind: 'v3'; user: UsmUser; context: string };

import type { CredentialRef } from '../snmp/credentials.js';
export type { CredentialRef } from '../snmp/credentials.js';

export function credentialRef(c: Credential): CredentialRef {
  return c.kind === 'v3' ? { version: '3', user: c.user.name } : { version: c.version === 0 ? '1' : '2c', community: c.index };
}

export function credentialsFromConfig(config: Pick<Config, 'snmp' | 'snmpv3'>, version: string = config.snmp.version): Credential[] {
  const out: Credential[] = [];
  if (version === 'auto' || version === '3') {
    for (const u of config.snmpv3) {
      const user: UsmUser = { name: u.user };
      if (u.auth_key && u.auth_protocol !== 'none') {
        user.authProtocol = u.auth_protocol;
        user.authKey = u.auth_key;
        if (u.priv_key && u.priv_protocol !== 'none') {
          user.privProtocol = u.priv_protocol;
          user.privKey = u.priv_key;
        }
      }
      out.push({ kind: 'v3', user, context: u.context ?? '' });
    }
  }
  const communities = config.snmp.communities;
  if (version === 'auto' || version === '2c') communities.forEach((community, index) => out.push({ kind: 'community', version: 1, community, index }));
  if (version === 'auto' || version === '1') communities.forEach((community, index) => out.push({ kind: 'community', version: 0, community, index }));
  return out;
}
