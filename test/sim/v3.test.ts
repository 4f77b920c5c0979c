/** The simulated agent's USM behaviour (RFC 3414 3.2), driven with our own client-side helpers. */
import { describe, expect, it } from 'vitest';
import { FLAG_AUTH, decodeMessage, type Pdu, type V3Message } from '../../src/snmp/ber.js';
import { encodeDiscoveryRequest, localizeUser, openMessage, reportReason, sealMessage, type SecurityLevel, type UsmUser } from '../../src/snmp/usm.js';
import { respond } from '../../src/sim/agent.js';
import { SimDevice } from '../../src/sim/device.js';
import { recording } from './helpers.js';

const secure: UsmUser = { name: 'secure', authProtocol: 'sha256', authKey: 'authpass1', privProtocol: 'aes', privKey: 'privpass1' };
const authOnly: UsmUser = { name: 'authonly', authProtocol: 'sha', authKey: 'authpass1' };
const dev = new SimDevice({ address: '127.77.0.3', port: 16163, varbinds: recording('brother'), v3Users: [secure, authOnly], engineBoots: 5 });

const getPdu = (oids: string[], requestId = 11): Pdu => ({ type: 'GetRequest', requestId, errorStatus: 0, errorIndex: 0, varbinds: oids.map((oid) => ({ oid, type: 'Null' as const, value: null })) });

function request(user: UsmUser, level: SecurityLevel, pdu: Pdu, o: { boots?: number; time?: number; engineId?: Buffer; reportable?: boolean; msgMaxSize?: number } = {}) {
  const engineId = o.engineId ?? dev.engineId;
  return sealMessage({
    msgId: 1234, reportable: o.reportable ?? true, level, engineId, engineBoots: o.boots ?? dev.engineBoots, engineTime: o.time ?? dev.engineTime(),
    user: localizeUser(user, engineId), scopedPdu: { contextEngineId: engineId, contextName: Buffer.alloc(0), pdu },
    ...(o.msgMaxSize ? { msgMaxSize: o.msgMaxSize } : {}),
  });
}

function reply(req: Buffer): V3Message {
  const out = respond(dev, req);
  if (!out) throw new Error('no reply');
  return decodeMessage(out) as V3Message;
}

describe('simulated v3 agent', () => {
  it('answers discovery with an unknownEngineIDs report carrying its engine ID, boots and time', () => {
    const r = reply(encodeDiscoveryRequest(77, 78));
    expect(r.msgId).toBe(77);
    expect(r.msgFlags & FLAG_AUTH).toBe(0);
    expect(r.usm.engineId).toEqual(dev.engineId);
    expect(r.usm.engineBoots).toBe(5);
    const pdu = (r.data as { pdu: Pdu }).pdu;
    expect(pdu.type).toBe('Report');
    expect(pdu.requestId).toBe(78);
    expect(reportReason(pdu)).toBe('unknownEngineID');
  });

  it('answers an authPriv GET encrypted, and the reply opens with the same user', () => {
    const r = reply(request(secure, 'authPriv', getPdu(['1.3.6.1.2.1.1.5.0'])));
    expect(Buffer.isBuffer(r.data)).toBe(true);
    const raw = respond(dev, request(secure, 'authPriv', getPdu(['1.3.6.1.2.1.1.5.0'])))!;
    const scoped = openMessage(raw, decodeMessage(raw) as V3Message, localizeUser(secure, dev.engineId));
    expect(scoped.pdu.type).toBe('Response');
    expect(scoped.pdu.varbinds[0]).toEqual(recording('brother').find((vb) => vb.oid === '1.3.6.1.2.1.1.5.0'));
  });

  it.each([
    ['unknown user', () => request({ ...authOnly, name: 'nobody' }, 'authNoPriv', getPdu(['1.3.6.1.2.1.1.5.0'])), 'unknownUserName'],
    ['wrong password', () => request({ ...secure, authKey: 'wrongpass' }, 'authPriv', getPdu(['1.3.6.1.2.1.1.5.0'])), 'wrongDigest'],
    ['level above the user', () => request({ ...authOnly, privProtocol: 'aes', privKey: 'privpass1' }, 'authPriv', getPdu(['1.3.6.1.2.1.1.5.0'])), 'unsupportedSecLevel'],
    ['wrong priv password', () => request({ ...secure, privKey: 'otherpriv' }, 'authPriv', getPdu(['1.3.6.1.2.1.1.5.0'])), 'decryptionError'],
    ['stale boots', () => request(secure, 'authNoPriv', getPdu(['1.3.6.1.2.1.1.5.0']), { boots: 4 }), 'notInTimeWindow'],
    ['clock far ahead', () => request(secure, 'authNoPriv', getPdu(['1.3.6.1.2.1.1.5.0']), { time: dev.engineTime() + 1000 }), 'notInTimeWindow'],
  ] as const)('%s: a %s report', (_what, make, reason) => {
    const before = dev.usmStats[reason];
    const r = reply(make());
    const pdu = (r.data as { pdu: Pdu }).pdu;
    expect(pdu.type).toBe('Report');
    expect(reportReason(pdu)).toBe(reason);
    expect(pdu.varbinds[0]!.value).toBe(before + 1);
    // notInTimeWindow reports are authenticated so the manager can trust the clock in them
    expect((r.msgFlags & FLAG_AUTH) !== 0).toBe(reason === 'notInTimeWindow');
  });

  it('a wrong password whose request is not reportable gets silence', () => {
    expect(respond(dev, request({ ...secure, authKey: 'wrongpass' }, 'authPriv', getPdu(['1.3.6.1.2.1.1.5.0']), { reportable: false }))).toBeNull();
  });

  it('keeps responses within the manager\'s msgMaxSize', () => {
    const bulk: Pdu = { type: 'GetBulkRequest', requestId: 5, nonRepeaters: 0, maxRepetitions: 200, varbinds: [{ oid: '1.3.6.1', type: 'Null', value: null }] };
    const raw = respond(dev, request(secure, 'authPriv', bulk, { msgMaxSize: 600 }))!;
    expect(raw.length).toBeLessThanOrEqual(600);
    const scoped = openMessage(raw, decodeMessage(raw) as V3Message, localizeUser(secure, dev.engineId));
    expect(scoped.pdu.varbinds.length).toBeGreaterThan(2);
  });

  it('v3 requests to a device without v3 users are ignored', () => {
    const plain = new SimDevice({ address: '127.77.0.4', port: 16164, varbinds: recording('brother') });
    expect(respond(plain, encodeDiscoveryRequest(1, 2))).toBeNull();
  });
});
