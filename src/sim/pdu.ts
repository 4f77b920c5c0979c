/**
 * The agent's answer to one request PDU, by the rules of RFC 3416 (v2c and v3) and
 * RFC 1157 / RFC 3584 (v1): what GET, GETNEXT and GETBULK return and how errors and
 * exceptions differ between the versions. Sizes are budgeted here so a GETBULK with a
 * huge max-repetitions costs no more work than one response's worth.
 */
import { ErrorStatus, encodeVarbind, type BasicPdu, type Pdu } from '../snmp/ber.js';
import type { Varbind } from '../snmp/types.js';
import type { SimDevice } from './device.js';
import { oidKey } from './mib.js';

export type Dialect = 'v1' | 'v2';

export interface PduAnswer {
  pdu: BasicPdu;
  /** True for GETBULK: trailing varbinds may be dropped to fit (RFC 3416 4.2.3). */
  truncatable: boolean;
}

/** RFC 3584 4.2.2.1: a v1 agent never returns Counter64, GETNEXT steps over them. */
const skipForV1 = (vb: Varbind) => vb.type === 'Counter64';

function response(pdu: Pdu, varbinds: Varbind[], errorStatus = 0, errorIndex = 0): BasicPdu {
  return { type: 'Response', requestId: pdu.requestId, errorStatus, errorIndex, varbinds };
}

function nextOf(dev: SimDevice, oid: string, dialect: Dialect): Varbind {
  const found = dev.mib.next(oidKey(oid), dialect === 'v1' ? skipForV1 : undefined);
  return found ?? { oid, type: 'EndOfMibView', value: null };
}

/** Answer a PDU; null means no reply (PDUs an agent does not answer, GETBULK in a v1 message). */
export function answerPdu(dev: SimDevice, pdu: Pdu, dialect: Dialect, maxBytes: number): PduAnswer | null {
  switch (pdu.type) {
    case 'GetRequest': {
      const out: Varbind[] = [];
      for (let i = 0; i < pdu.varbinds.length; i++) {
        const oid = pdu.varbinds[i]!.oid;
        const key = oidKey(oid);
        const vb = dev.mib.get(key);
        if (vb && !(dialect === 'v1' && skipForV1(vb))) { out.push(vb); continue; }
        if (dialect === 'v1') return { pdu: response(pdu, pdu.varbinds, ErrorStatus.noSuchName, i + 1), truncatable: false };
        const objectExists = key.length > 1 && dev.mib.hasUnder(key.slice(0, -1));
        out.push({ oid, type: objectExists ? 'NoSuchInstance' : 'NoSuchObject', value: null });
      }
      return { pdu: response(pdu, out), truncatable: false };
    }
    case 'GetNextRequest': {
      const out: Varbind[] = [];
      for (let i = 0; i < pdu.varbinds.length; i++) {
        const vb = nextOf(dev, pdu.varbinds[i]!.oid, dialect);
        if (dialect === 'v1' && vb.type === 'EndOfMibView') {
          return { pdu: response(pdu, pdu.varbinds, ErrorStatus.noSuchName, i + 1), truncatable: false };
        }
        out.push(vb);
      }
      return { pdu: response(pdu, out), truncatable: false };
    }
    case 'GetBulkRequest': {
      if (dialect === 'v1') return null; // no such PDU in SNMPv1: real v1 agents drop it as a parse error
      if (dev.options.dropBulkAbove !== undefined && pdu.maxRepetitions > dev.options.dropBulkAbove) return null;
      const n = pdu.varbinds.length;
      const nonRep = Math.max(0, Math.min(pdu.nonRepeaters, n));
      let reps = Math.max(0, pdu.maxRepetitions);
      if (dev.options.maxRepetitionsLimit !== undefined) reps = Math.min(reps, dev.options.maxRepetitionsLimit);
      const out: Varbind[] = [];
      let bytes = 0;
      for (let i = 0; i < nonRep; i++) {
        const vb = nextOf(dev, pdu.varbinds[i]!.oid, dialect);
        out.push(vb);
        bytes += encodeVarbind(vb).length;
      }
      const cursors = pdu.varbinds.slice(nonRep).map((vb) => vb.oid);
      // Stop once the list cannot fit anyway, or every repeater has run off the end of the MIB.
      for (let r = 0; r < reps && cursors.length > 0 && bytes <= maxBytes; r++) {
        let ended = 0;
        for (let j = 0; j < cursors.length; j++) {
          const vb = nextOf(dev, cursors[j]!, dialect);
          if (vb.type === 'EndOfMibView') ended++;
          else cursors[j] = vb.oid;
          out.push(vb);
          bytes += encodeVarbind(vb).length;
        }
        if (ended === cursors.length) break;
      }
      return { pdu: response(pdu, out), truncatable: true };
    }
    case 'SetRequest': {
      // Recordings are read-only. v2 says notWritable (or noCreation for absent objects);
      // v1 has no such codes and RFC 3584 4.4 maps both to noSuchName.
      if (pdu.varbinds.length === 0) return { pdu: response(pdu, []), truncatable: false };
      if (dialect === 'v1') return { pdu: response(pdu, pdu.varbinds, ErrorStatus.noSuchName, 1), truncatable: false };
      const exists = dev.mib.get(oidKey(pdu.varbinds[0]!.oid)) !== undefined;
      return { pdu: response(pdu, pdu.varbinds, exists ? ErrorStatus.notWritable : ErrorStatus.noCreation, 1), truncatable: false };
    }
    default:
      return null; // Response, Report, traps and informs are not requests to a read-only agent
  }
}

/**
 * Encode an answer within `maxSize` octets, dropping trailing GETBULK varbinds when needed;
 * otherwise (or when nothing fits) the answer becomes tooBig (RFC 3416 4.2.1, RFC 1157 4.1.2).
 */
export function fitAnswer(answer: PduAnswer, request: Pdu, dialect: Dialect, maxSize: number, encode: (pdu: BasicPdu) => Buffer): Buffer {
  const full = encode(answer.pdu);
  if (full.length <= maxSize) return full;
  const vbs = answer.pdu.varbinds;
  if (answer.truncatable && vbs.length > 0) {
    const sizes = vbs.map((vb) => encodeVarbind(vb).length);
    const overhead = full.length - sizes.reduce((a, b) => a + b, 0);
    let k = 0;
    for (let used = overhead; k < vbs.length && used + sizes[k]! <= maxSize; k++) used += sizes[k]!;
    // The estimate ignores shrinking headers and cipher padding; confirm and back off if needed.
    for (; k > 0; k--) {
      const bytes = encode({ ...answer.pdu, varbinds: vbs.slice(0, k) });
      if (bytes.length <= maxSize) return bytes;
    }
  }
  const tooBig: BasicPdu = {
    type: 'Response', requestId: request.requestId, errorStatus: ErrorStatus.tooBig, errorIndex: 0,
    varbinds: dialect === 'v1' ? request.varbinds : [],
  };
  const bytes = encode(tooBig);
  return bytes.length <= maxSize || dialect !== 'v1' ? bytes : encode({ ...tooBig, varbinds: [] });
}
