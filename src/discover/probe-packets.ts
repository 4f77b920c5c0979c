/**
 * Precomputed probe datagrams. A community GET is the same bytes for every address
 * except its request id, so each credential gets one template and a send only patches
 * four octets. (A tiny wrapper over ber.ts: it encodes with a 4-octet id and finds it.)
 */
import { encodeGetRequest } from '../snmp/ber.js';
import { encodeDiscoveryRequest } from '../snmp/usm.js';
import type { Credential } from './credentials.js';
import { PROBE_OIDS } from './facts.js';

export interface ProbeTemplate {
  build(requestId: number): Buffer;
}

/** Request ids in [0x01000000, 0x7fffffff] always encode as exactly four content octets. */
function idOffset(encode: (id: number) => Buffer): number {
  const a = encode(0x11223344);
  const b = encode(0x55667788);
  if (a.length !== b.length) throw new Error('probe template: request id changes the length');
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  const at = a.indexOf(Buffer.from([0x11, 0x22, 0x33, 0x44]));
  if (at < 0 || diff.some((i) => i < at || i >= at + 4)) throw new Error('probe template: request id not found');
  return at;
}

export function probeTemplate(cred: Credential): ProbeTemplate {
  if (cred.version === '3') {
    // Engine discovery (RFC 3414 4): the same probe for every user; msgID carries the id.
    return { build: (id) => encodeDiscoveryRequest(id, id) };
  }
  const version = cred.version === '1' ? 0 : 1;
  const encode = (id: number) => encodeGetRequest({ version, community: cred.community, requestId: id, oids: PROBE_OIDS });
  const template = encode(0x11223344);
  const at = idOffset(encode);
  return {
    build(id) {
      const buf = Buffer.allocUnsafe(template.length);
      template.copy(buf);
      buf.writeUInt32BE(id, at);
      return buf;
    },
  };
}
