import { describe, expect, it } from 'vitest';
import {
  BerError, decodeMessage, decodeResponse, encodeGetBulkRequest, encodeGetRequest, encodeMessage, encodeV3Message,
  type CommunityMessage, type V3Message,
} from '../../src/snmp/ber.js';
import type { Varbind } from '../../src/snmp/types.js';

const every: Varbind[] = [
  { oid: '1.3.6.1.2.1.1.1.0', type: 'OctetString', value: Buffer.from('HP LaserJet') },
  { oid: '1.3.6.1.2.1.1.2.0', type: 'OID', value: '1.3.6.1.4.1.11.2.3.9.1' },
  { oid: '1.3.6.1.2.1.1.3.0', type: 'TimeTicks', value: 4294967295 },
  { oid: '1.3.6.1.2.1.4.20.1.1.10.0.0.1', type: 'IpAddress', value: '10.0.0.1' },
  { oid: '1.3.6.1.2.1.2.2.1.10.1', type: 'Counter32', value: 2147483648 },
  { oid: '1.3.6.1.2.1.25.2.2.0', type: 'Gauge32', value: 0 },
  { oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: 'Counter64', value: 18446744073709551615n },
  { oid: '1.3.6.1.2.1.43.11.1.1.9.1.1', type: 'Integer', value: -3 },
  { oid: '1.3.6.1.2.1.43.11.1.1.9.1.2', type: 'Integer', value: -2147483648 },
  { oid: '1.3.6.1.2.1.43.11.1.1.9.1.3', type: 'Integer', value: 2147483647 },
  { oid: '1.3.6.1.2.1.43.11.1.1.9.1.4', type: 'Integer', value: 128 },
  { oid: '1.3.6.1.4.1.9999.1', type: 'Opaque', value: Buffer.from([0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0]) },
  { oid: '1.3.6.1.4.1.9999.2', type: 'Null', value: null },
  { oid: '1.3.6.1.4.1.9999.3', type: 'NoSuchObject', value: null },
  { oid: '1.3.6.1.4.1.9999.4', type: 'NoSuchInstance', value: null },
  { oid: '1.3.6.1.4.1.9999.5', type: 'EndOfMibView', value: null },
  { oid: '1.3.6.1.4.1.4294967295.128.16383.16384', type: 'OID', value: '2.999.1' },
  { oid: '1.3.6.1.4.1.9999.6', type: 'OctetString', value: Buffer.alloc(300, 0xab) }, // long-form length
];

function v2cResponse(varbinds: Varbind[], requestId = 0x12345678): CommunityMessage {
  return { version: 1, community: Buffer.from('public'), pdu: { type: 'Response', requestId, errorStatus: 0, errorIndex: 0, varbinds } };
}

describe('BER encoding', () => {
  it('encodes a v1 GetRequest exactly as RFC 1157 BER prescribes', () => {
    const bytes = encodeGetRequest({ version: 0, community: 'public', requestId: 1, oids: ['1.3.6.1.2.1.1.1.0'] });
    expect(bytes.toString('hex')).toBe(
      '3026' + '020100' + '0406' + Buffer.from('public').toString('hex') + 'a019' + '020101' + '020100' + '020100'
      + '300e' + '300c' + '06082b06010201010100' + '0500');
  });

  it('round-trips every value type, including long lengths and extreme integers', () => {
    const msg = v2cResponse(every);
    const back = decodeMessage(encodeMessage(msg));
    expect(back).toEqual(msg);
  });

  it('round-trips negative and 32-bit request IDs', () => {
    for (const id of [0, 1, -1, 127, 128, -129, 2147483647, -2147483648]) {
      const back = decodeResponse(encodeMessage(v2cResponse([], id)));
      expect(back.requestId).toBe(id);
    }
  });

  it('encodes GetBulk fields as non-repeaters and max-repetitions', () => {
    const bytes = encodeGetBulkRequest({ version: 1, community: 'x', requestId: 9, oids: ['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.1.3'], nonRepeaters: 1, maxRepetitions: 25 });
    const msg = decodeMessage(bytes);
    expect(msg.version).toBe(1);
    if (msg.version === 3) throw new Error('unexpected');
    expect(msg.pdu).toEqual({
      type: 'GetBulkRequest', requestId: 9, nonRepeaters: 1, maxRepetitions: 25,
      varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.2', type: 'Null', value: null }, { oid: '1.3.6.1.2.1.1.3', type: 'Null', value: null }],
    });
  });

  it('rejects values it cannot represent instead of sending something wrong', () => {
    expect(() => encodeMessage(v2cResponse([{ oid: '1.3.6', type: 'Counter32', value: 4294967296 }]))).toThrow(BerError);
    expect(() => encodeMessage(v2cResponse([{ oid: '1.3.6', type: 'Counter32', value: -1 }]))).toThrow(BerError);
    expect(() => encodeMessage(v2cResponse([{ oid: '1', type: 'Null', value: null }]))).toThrow(BerError);
    expect(() => encodeMessage(v2cResponse([{ oid: '1.3.x', type: 'Null', value: null }]))).toThrow(BerError);
    expect(() => encodeMessage(v2cResponse([{ oid: '1.3.6', type: 'IpAddress', value: '300.1.1.1' }]))).toThrow(BerError);
  });

  it('puts the v3 authentication parameters where authParamsOffset says, and decodes them back', () => {
    const msg: V3Message = {
      version: 3, msgId: 77, msgMaxSize: 65507, msgFlags: 5, securityModel: 3,
      usm: {
        engineId: Buffer.from('8000000005aabbccddeeff0011', 'hex'), engineBoots: 3, engineTime: 12345,
        userName: Buffer.from('alice'), authParams: Buffer.alloc(12, 0xee), privParams: Buffer.alloc(0),
      },
      data: { contextEngineId: Buffer.from('ab', 'hex'), contextName: Buffer.from('ctx'), pdu: v2cResponse(every.slice(0, 3)).pdu },
    };
    const { bytes, authParamsOffset } = encodeV3Message(msg);
    expect(bytes.subarray(authParamsOffset, authParamsOffset + 12)).toEqual(Buffer.alloc(12, 0xee));
    expect(bytes[authParamsOffset - 2]).toBe(0x04); // OCTET STRING header right before
    const back = decodeMessage(bytes);
    expect(back).toEqual({ ...msg, authParamsOffset });
  });

  it('keeps an encrypted v3 payload as octets', () => {
    const msg: V3Message = {
      version: 3, msgId: 1, msgMaxSize: 1500, msgFlags: 7, securityModel: 3,
      usm: { engineId: Buffer.from('800000000501', 'hex'), engineBoots: 1, engineTime: 2, userName: Buffer.from('u'), authParams: Buffer.alloc(24), privParams: Buffer.alloc(8, 1) },
      data: Buffer.from('00112233445566778899', 'hex'),
    };
    const back = decodeMessage(encodeMessage(msg)) as V3Message;
    expect(back.data).toEqual(msg.data);
    expect(back.usm.privParams).toEqual(msg.usm.privParams);
  });
});

describe('BER decoding of hostile input', () => {
  const valid = encodeMessage(v2cResponse(every));

  function expectBerError(buf: Buffer) {
    let thrown: unknown;
    try { decodeMessage(buf); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(BerError);
  }

  it('throws BerError for every truncation of a valid message', () => {
    for (let n = 0; n < valid.length; n++) expectBerError(valid.subarray(0, n));
  });

  it('throws only BerError on random garbage and on randomly corrupted messages', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      const buf = Buffer.from(valid);
      for (let k = 0; k < 1 + (i % 5); k++) buf[rnd() * buf.length >> 8] = rnd();
      try { decodeMessage(buf); decoded++; } catch (error) { expect(error).toBeInstanceOf(BerError); }
      const junk = Buffer.from(Array.from({ length: 1 + (i % 200) }, rnd));
      try { decodeMessage(junk); } catch (error) { expect(error).toBeInstanceOf(BerError); }
    }
    expect(decoded).toBeGreaterThan(0); // corrupting a value's content leaves a decodable message
  });

  it('rejects huge, indefinite and oversized length fields without allocating', () => {
    expectBerError(Buffer.from('3084ffffffff020101', 'hex'));
    expectBerError(Buffer.from('3089010000000000000000', 'hex'));
    expectBerError(Buffer.from('30800201010000', 'hex'));
    expectBerError(Buffer.from('30', 'hex'));
    expectBerError(Buffer.alloc(0));
  });

  it('rejects deep nesting quickly instead of recursing', () => {
    const deep = Buffer.alloc(200_000);
    for (let i = 0; i < deep.length; i += 2) { deep[i] = 0x30; deep[i + 1] = 0x80; }
    const t0 = Date.now();
    expectBerError(deep);
    const nestedDefinite = Buffer.concat([Buffer.from('30820400', 'hex'), Buffer.alloc(1024, 0x30)]);
    expectBerError(nestedDefinite);
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('rejects oversized integers and OID subidentifiers', () => {
    // version INTEGER with 9 content octets
    expect(() => decodeMessage(Buffer.from('300b0209010000000000000000', 'hex'))).toThrow(/too large/);
    // varbind name with a subidentifier above 2^32-1
    const bigArc = Buffer.from('3023020101040170a21b020101020100020100301030' + '0e060a2b0601ffffffffff7f010500', 'hex');
    expect(() => decodeMessage(bigArc)).toThrow(/subidentifier too large/);
  });

  it('rejects unknown versions and v1 Trap PDUs', () => {
    expectBerError(Buffer.from('300d020102040170a0060201010201', 'hex'));
    const trap = Buffer.from('3015020100040170a40e06052b060104010400020100020100', 'hex');
    expectBerError(trap);
  });

  it('decodeResponse refuses requests', () => {
    const req = encodeGetRequest({ version: 1, community: 'public', requestId: 5, oids: ['1.3.6.1.2.1.1.1.0'] });
    expect(() => decodeResponse(req)).toThrow(/Response/);
  });
});
