/**
 * SNMPv3 DES privacy without OpenSSL's legacy provider. net-snmp encrypts DES with
 * crypto.createCipheriv('des-cbc'), which OpenSSL 3 (Node 17+) only offers with
 * --openssl-legacy-provider: old printers' md5/DES users then failed with
 * "error:0308010C ... unsupported". This routes net-snmp's DES through src/snmp/usm.ts,
 * which runs single DES as DES-EDE with K1 = K2 (E_K D_K E_K = E_K; in OpenSSL's
 * default provider), the same bytes as des-cbc (test/platform/legacy-des.test.ts
 * compares both). In-process rather than a restart with the flag: the same code on
 * Node 20/22/24 and in amr.exe, no second process for Task Scheduler to lose track of.
 */
import type snmpModule from 'net-snmp';
import { decryptPdu, encryptPdu } from '../snmp/usm.js';

type NetSnmp = typeof snmpModule;
interface Engine { engineID: Buffer; engineBoots: number; engineTime: number }
interface DesAlgorithm {
  CRYPTO_ALGORITHM: string;
  encryptPdu: (scopedPdu: Buffer, privProtocol: number, privPassword: string, authProtocol: number, engine: Engine) => { encryptedPdu: Buffer; msgPrivacyParameters: Buffer };
  decryptPdu: (encryptedPdu: Buffer, privProtocol: number, privParameters: Buffer, privPassword: string, authProtocol: number, engine: Engine) => Buffer;
}
interface Internals {
  Encryption?: { algorithms?: Record<number, DesAlgorithm> };
  Authentication?: { passwordToKey?: (authProtocol: number, password: string, engineID: Buffer) => Buffer };
}

const PATCHED = 'amr des-ede-cbc';

/** Replaces net-snmp's DES functions; false when its internals are not where 3.x keeps them. */
export function useDesWithoutLegacyProvider(snmp: NetSnmp): boolean {
  const { Encryption, Authentication } = snmp as unknown as Internals;
  const des = Encryption?.algorithms?.[snmp.PrivProtocols.des];
  const passwordToKey = Authentication?.passwordToKey;
  if (!des || !passwordToKey) return false;
  if (des.CRYPTO_ALGORITHM === PATCHED) return true;
  // RFC 3414 8.1.1.1: the localized privacy key's first 8 octets are the DES key, the next 8 the pre-IV.
  des.encryptPdu = (scopedPdu, _priv, privPassword, authProtocol, engine) => {
    const key = passwordToKey(authProtocol, privPassword, engine.engineID);
    const { ciphertext, privParams } = encryptPdu('des', key, engine.engineBoots, engine.engineTime, scopedPdu);
    return { encryptedPdu: ciphertext, msgPrivacyParameters: privParams };
  };
  des.decryptPdu = (encryptedPdu, _priv, privParameters, privPassword, authProtocol, engine) => {
    const key = passwordToKey(authProtocol, privPassword, engine.engineID);
    return decryptPdu('des', key, engine.engineBoots, engine.engineTime, privParameters, encryptedPdu);
  };
  des.CRYPTO_ALGORITHM = PATCHED;
  return true;
}
