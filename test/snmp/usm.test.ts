import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import { decodeMessage, type ScopedPdu, type V3Message } from '../../src/snmp/ber.js';
import {
  AUTH_PROTOCOLS, PRIV_PROTOCOLS, UsmError, authMacLength, decryptPdu, encryptPdu, localizeUser, localizedKey, openMessage,
  passwordToKey, privKeyFor, reportReason, sealMessage, type AuthProtocol, type PrivProtocol,
} from '../../src/snmp/usm.js';

// net-snmp (npm) is an independent implementation to compare key derivation with.
const netSnmp = snmp as unknown as {
  Authentication: { passwordToKey(p: string, pw: string, e: Buffer): Buffer };
  Encryption: { algorithms: Record<string, unknown>; generateLocalizedKeyBlumenthal(a: unknown, p: string, pw: string, e: Buffer): Buffer; generateLocalizedKeyReeder(a: unknown, p: string, pw: string, e: Buffer): Buffer };
  AuthProtocols: Record<string, string>;
  PrivProtocols: Record<string, string>;
};

const rfcEngine = Buffer.from('000000000000000000000002', 'hex');

describe('USM key localisation', () => {
  it('matches RFC 3414 A.3.1 (MD5) and A.3.2 (SHA-1)', () => {
    expect(passwordToKey('md5', 'maplesyrup').toString('hex')).toBe('9faf3283884e92834ebc9847d8edd963');
    expect(localizedKey('md5', 'maplesyrup', rfcEngine).toString('hex')).toBe('526f5eed9fcce26f8964c2930787d82b');
    expect(passwordToKey('sha', 'maplesyrup').toString('hex')).toBe('9fb5cc0381497b3793528939ff788d5d79145211');
    expect(localizedKey('sha', 'maplesyrup', rfcEngine).toString('hex')).toBe('6695febc9288e36282235fc7151f128497b38f3f');
  });

  it('agrees with net-snmp for every SHA-2 variant (RFC 7860)', () => {
    const engine = Buffer.from('80001f8880e9bd0c1d12667a5100000000', 'hex');
    for (const p of ['sha224', 'sha256', 'sha384', 'sha512'] as const) {
      expect(localizedKey(p, 'a long passphrase', engine)).toEqual(netSnmp.Authentication.passwordToKey(netSnmp.AuthProtocols[p]!, 'a long passphrase', engine));
    }
  });

  it('extends AES-256 keys like net-snmp: Blumenthal for aes256, Reeder for aes256c', () => {
    const engine = Buffer.from('8000000005deadbeef', 'hex');
    const E = netSnmp.Encryption;
    for (const auth of ['md5', 'sha'] as const) {
      const blumenthal = E.generateLocalizedKeyBlumenthal(E.algorithms[netSnmp.PrivProtocols.aes256b!], netSnmp.AuthProtocols[auth]!, 'privpass1', engine);
      const reeder = E.generateLocalizedKeyReeder(E.algorithms[netSnmp.PrivProtocols.aes256r!], netSnmp.AuthProtocols[auth]!, 'privpass1', engine);
      expect(privKeyFor('aes256', auth, 'privpass1', engine)).toEqual(blumenthal);
      expect(privKeyFor('aes256c', auth, 'privpass1', engine)).toEqual(reeder);
      expect(blumenthal).not.toEqual(reeder);
    }
    expect(privKeyFor('aes192', 'sha', 'privpass1', engine)).toHaveLength(24);
    expect(privKeyFor('aes192', 'sha', 'privpass1', engine)).toEqual(privKeyFor('aes256', 'sha', 'privpass1', engine).subarray(0, 24));
  });

  it('uses the RFC 7860 truncation lengths', () => {
    expect(AUTH_PROTOCOLS.map(authMacLength)).toEqual([12, 12, 16, 24, 32, 48]);
  });
});

describe('USM privacy', () => {
  it('DES-CBC reproduces the classic FIPS 46 test vector', () => {
    // key 133457799BBCDFF1 with pre-IV equal to the salt gives a zero IV, so block 1 is plain DES.
    const preIv = Buffer.from('0102030405060708', 'hex');
    const key = Buffer.concat([Buffer.from('133457799bbcdff1', 'hex'), preIv]);
    const plain = decryptPdu('des', key, 0, 0, preIv, Buffer.from('85e813540f0ab405', 'hex'));
    expect(plain.toString('hex')).toBe('0123456789abcdef');
  });

  it('DES rejects ciphertext that is not whole blocks', () => {
    expect(() => decryptPdu('des', Buffer.alloc(16), 0, 0, Buffer.alloc(8), Buffer.alloc(13))).toThrow(UsmError);
  });

  it.each(PRIV_PROTOCOLS)('%s round-trips and uses a fresh salt each time', (priv: PrivProtocol) => {
    const key = privKeyFor(priv, 'sha256', 'privpass1', Buffer.from('8000000005aa', 'hex'));
    const plain = Buffer.from('30 0b 04 00 04 00 a0 05 02 01 01 02 01 00'.replace(/ /g, ''), 'hex');
    const a = encryptPdu(priv, key, 7, 99, plain);
    const b = encryptPdu(priv, key, 7, 99, plain);
    expect(a.privParams).not.toEqual(b.privParams);
    expect(a.ciphertext).not.toEqual(b.ciphertext);
    expect(decryptPdu(priv, key, 7, 99, a.privParams, a.ciphertext).subarray(0, plain.length)).toEqual(plain);
  });
});

describe('sealing and opening v3 messages', () => {
  const engineId = Buffer.from('8000000005112233445566', 'hex');
  const scoped: ScopedPdu = {
    contextEngineId: engineId, contextName: Buffer.alloc(0),
    pdu: { type: 'GetRequest', requestId: 42, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: '1.3.6.1.2.1.1.1.0', type: 'Null', value: null }] },
  };
  const combos: Array<[AuthProtocol, PrivProtocol | undefined]> = [
    ...AUTH_PROTOCOLS.map((a): [AuthProtocol, undefined] => [a, undefined]),
    ...PRIV_PROTOCOLS.map((p): [AuthProtocol, PrivProtocol] => ['sha', p]),
    ['sha512', 'aes256'], ['md5', 'des'],
  ];

  it.each(combos)('auth %s priv %s: opens with the right keys, refuses the wrong password', (auth, priv) => {
    const cfg = { name: 'bob', authProtocol: auth, authKey: 'authpass1', ...(priv ? { privProtocol: priv, privKey: 'privpass1' } : {}) };
    const user = localizeUser(cfg, engineId);
    const level = priv ? 'authPriv' as const : 'authNoPriv' as const;
    const bytes = sealMessage({ msgId: 9, reportable: true, level, engineId, engineBoots: 1, engineTime: 100, user, scopedPdu: scoped });
    const msg = decodeMessage(bytes) as V3Message;
    expect(msg.usm.authParams).toHaveLength(authMacLength(auth));
    expect(Buffer.isBuffer(msg.data)).toBe(level === 'authPriv');
    expect(openMessage(bytes, msg, user)).toEqual(scoped);

    const wrong = localizeUser({ ...cfg, authKey: 'authpass2' }, engineId);
    expect(() => openMessage(bytes, msg, wrong)).toThrow(expect.objectContaining({ reason: 'wrongDigest' }));
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 3]! ^= 1; // last OID arc, or ciphertext: still decodable
    expect(() => openMessage(tampered, decodeMessage(tampered) as V3Message, user)).toThrow(expect.objectContaining({ reason: 'wrongDigest' }));
  });

  it('refuses a security level the user lacks', () => {
    const authOnly = localizeUser({ name: 'a', authProtocol: 'sha', authKey: 'authpass1' }, engineId);
    const both = localizeUser({ name: 'a', authProtocol: 'sha', authKey: 'authpass1', privProtocol: 'aes', privKey: 'privpass1' }, engineId);
    const bytes = sealMessage({ msgId: 1, reportable: true, level: 'authPriv', engineId, engineBoots: 1, engineTime: 1, user: both, scopedPdu: scoped });
    expect(() => openMessage(bytes, decodeMessage(bytes) as V3Message, authOnly)).toThrow(expect.objectContaining({ reason: 'unsupportedSecLevel' }));
  });

  it('recognises usmStats reports', () => {
    expect(reportReason({ type: 'Report', requestId: 0, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: '1.3.6.1.6.3.15.1.1.5.0', type: 'Counter32', value: 1 }] })).toBe('wrongDigest');
    expect(reportReason({ type: 'Report', requestId: 0, errorStatus: 0, errorIndex: 0, varbinds: [] })).toBeNull();
  });
});
