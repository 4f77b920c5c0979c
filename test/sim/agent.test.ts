/** The agent's request handling, without sockets: datagram in, datagram (or nothing) out. */
import { describe, expect, it } from 'vitest';
import {
  ErrorStatus, decodeMessage, decodeResponse, encodeGetBulkRequest, encodeGetNextRequest, encodeGetRequest, encodeMessage,
  type Pdu,
} from '../../src/snmp/ber.js';
import { compareOids, type Varbind } from '../../src/snmp/types.js';
import { respond } from '../../src/sim/agent.js';
import { SimDevice, type DeviceOptions } from '../../src/sim/device.js';
import { recording } from './helpers.js';

const jetdirect = recording('jetdirect'); // has Counter64 (ifHCInOctets ...)
const SYS_DESCR = '1.3.6.1.2.1.1.1.0';

function device(extra: Partial<DeviceOptions> = {}): SimDevice {
  return new SimDevice({ address: '127.77.0.1', port: 16161, varbinds: jetdirect, ...extra });
}

function ask(dev: SimDevice, req: Buffer) {
  const out = respond(dev, req);
  if (!out) throw new Error('no reply');
  return decodeResponse(out);
}

const get = (version: 0 | 1, oids: string[], community = 'public') => encodeGetRequest({ version, community, requestId: 7, oids });
const next = (version: 0 | 1, oids: string[]) => encodeGetNextRequest({ version, community: 'public', requestId: 8, oids });
const bulk = (oids: string[], nonRepeaters: number, maxRepetitions: number) =>
  encodeGetBulkRequest({ version: 1, community: 'public', requestId: 9, oids, nonRepeaters, maxRepetitions });
const valueOf = (oid: string) => jetdirect.find((vb) => vb.oid === oid);

describe('v2c', () => {
  it('GET returns recorded values and tells noSuchInstance from noSuchObject', () => {
    const r = ask(device(), get(1, [SYS_DESCR, '1.3.6.1.2.1.1.1', '1.3.6.1.2.1.2.2.1.2.999', '1.3.6.1.2.1.1.99.0', '1.3.6.1.4.1.99999.1.0']));
    expect(r.requestId).toBe(7);
    expect(r.errorStatus).toBe(0);
    expect(r.varbinds[0]).toEqual(valueOf(SYS_DESCR));
    expect(r.varbinds.slice(1).map((vb) => vb.type)).toEqual(['NoSuchInstance', 'NoSuchInstance', 'NoSuchObject', 'NoSuchObject']);
  });

  it('GETNEXT walks the whole recording in order and ends with endOfMibView', () => {
    const dev = device();
    const seen: Varbind[] = [];
    let oid = '0.0';
    for (;;) {
      const vb = ask(dev, next(1, [oid])).varbinds[0]!;
      if (vb.type === 'EndOfMibView') { expect(vb.oid).toBe(oid); break; }
      seen.push(vb);
      oid = vb.oid;
    }
    expect(seen).toEqual([...jetdirect].sort((a, b) => compareOids(a.oid, b.oid)));
  });

  it('GETBULK: non-repeaters once, repeaters max-repetitions times, endOfMibView past the end', () => {
    const sorted = [...jetdirect].sort((a, b) => compareOids(a.oid, b.oid));
    const last = sorted[sorted.length - 1]!.oid;
    const r = ask(device(), bulk(['1.3.6.1.2.1.1.3', '1.3.6.1.2.1.2.2.1.2', sorted[sorted.length - 2]!.oid], 1, 3));
    const vbs = r.varbinds;
    expect(vbs[0]!.oid).toBe('1.3.6.1.2.1.1.3.0');
    // Repeaters interleave: (ifDescr.1, second-to-last's next), (ifDescr.2, endOfMibView), ...
    expect(vbs[1]!.oid.startsWith('1.3.6.1.2.1.2.2.1.2.')).toBe(true);
    expect(vbs[2]!.oid).toBe(last);
    expect(vbs[4]).toEqual({ oid: last, type: 'EndOfMibView', value: null });
    expect(vbs).toHaveLength(1 + 2 * 3);
  });

  it('GETBULK stops early once every repeater is past the end', () => {
    const sorted = [...jetdirect].sort((a, b) => compareOids(a.oid, b.oid));
    const r = ask(device(), bulk([sorted[sorted.length - 1]!.oid], 0, 50));
    expect(r.varbinds).toEqual([{ oid: sorted[sorted.length - 1]!.oid, type: 'EndOfMibView', value: null }]);
  });

  it('GETBULK responses are cut to maxMessageSize, never above it', () => {
    for (const max of [484, 1472, 4000]) {
      const out = respond(device({ maxMessageSize: max }), bulk(['1.3.6.1'], 0, 1000))!;
      expect(out.length).toBeLessThanOrEqual(max);
      const r = decodeResponse(out);
      expect(r.errorStatus).toBe(0);
      expect(r.varbinds.length).toBeGreaterThan(3);
      // one more varbind would not have fitted: the cut is tight, within one varbind's size
      expect(out.length).toBeGreaterThan(max - 200);
    }
  });

  it('a GET too large for the limit gets tooBig with no varbinds', () => {
    const oids = jetdirect.slice(0, 120).map((vb) => vb.oid);
    const r = ask(device({ maxMessageSize: 484 }), get(1, oids));
    expect(r.errorStatus).toBe(ErrorStatus.tooBig);
    expect(r.varbinds).toEqual([]);
  });

  it('maxRepetitionsLimit caps repetitions; dropBulkAbove silences big bulks only', () => {
    const r = ask(device({ maxRepetitionsLimit: 5, maxMessageSize: 65000 }), bulk(['1.3.6.1'], 0, 100));
    expect(r.varbinds).toHaveLength(5);
    const choking = device({ dropBulkAbove: 10 });
    expect(respond(choking, bulk(['1.3.6.1'], 0, 11))).toBeNull();
    expect(ask(choking, bulk(['1.3.6.1'], 0, 10)).varbinds).toHaveLength(10);
  });

  it('wrong community: no reply at all', () => {
    expect(respond(device(), get(1, [SYS_DESCR], 'private'))).toBeNull();
    expect(respond(device({ communities: ['private'] }), get(1, [SYS_DESCR], 'private'))).not.toBeNull();
  });

  it('SET is refused with notWritable and changes nothing', () => {
    const dev = device();
    const before = dev.mib.get(SYS_DESCR.split('.').map(Number));
    const set: Pdu = { type: 'SetRequest', requestId: 3, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: SYS_DESCR, type: 'OctetString', value: Buffer.from('pwned') }] };
    const r = ask(dev, encodeMessage({ version: 1, community: 'public', pdu: set }));
    expect(r.errorStatus).toBe(ErrorStatus.notWritable);
    expect(r.errorIndex).toBe(1);
    expect(ask(dev, get(1, [SYS_DESCR])).varbinds[0]).toEqual(before);
  });

  it('ignores garbage, responses and traps', () => {
    const dev = device();
    expect(respond(dev, Buffer.from('not snmp at all'))).toBeNull();
    const resp = encodeMessage({ version: 1, community: 'public', pdu: { type: 'Response', requestId: 1, errorStatus: 0, errorIndex: 0, varbinds: [] } });
    expect(respond(dev, resp)).toBeNull();
  });
});

describe('v1', () => {
  it('GET of a missing OID is noSuchName with its index and the request varbinds', () => {
    const r = ask(device(), get(0, [SYS_DESCR, '1.3.6.1.2.1.1.99.0']));
    expect(r.version).toBe(0);
    expect(r.errorStatus).toBe(ErrorStatus.noSuchName);
    expect(r.errorIndex).toBe(2);
    expect(r.varbinds.map((vb) => vb.type)).toEqual(['Null', 'Null']);
  });

  it('never returns Counter64: GET says noSuchName, GETNEXT steps over it (RFC 3584)', () => {
    const c64 = jetdirect.filter((vb) => vb.type === 'Counter64').sort((a, b) => compareOids(a.oid, b.oid));
    expect(c64.length).toBeGreaterThan(0);
    expect(ask(device(), get(0, [c64[0]!.oid])).errorStatus).toBe(ErrorStatus.noSuchName);
    const dev = device();
    let oid = '0.0';
    let count = 0;
    for (;;) {
      const r = ask(dev, next(0, [oid]));
      if (r.errorStatus === ErrorStatus.noSuchName) break; // v1's end of MIB
      expect(r.varbinds[0]!.type).not.toBe('Counter64');
      oid = r.varbinds[0]!.oid;
      count++;
    }
    expect(count).toBe(jetdirect.length - jetdirect.filter((vb) => vb.type === 'Counter64').length);
  });

  it('GETBULK in a v1 message gets no reply; SET gets noSuchName', () => {
    const dev = device();
    const v1bulk = encodeMessage({ version: 0, community: 'public', pdu: { type: 'GetBulkRequest', requestId: 1, nonRepeaters: 0, maxRepetitions: 5, varbinds: [{ oid: '1.3', type: 'Null', value: null }] } });
    expect(respond(dev, v1bulk)).toBeNull();
    const set = encodeMessage({ version: 0, community: 'public', pdu: { type: 'SetRequest', requestId: 3, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: SYS_DESCR, type: 'OctetString', value: Buffer.from('x') }] } });
    const r = decodeMessage(respond(dev, set)!);
    expect(r.version === 0 && r.pdu.type === 'Response' && r.pdu.errorStatus).toBe(ErrorStatus.noSuchName);
  });
});
