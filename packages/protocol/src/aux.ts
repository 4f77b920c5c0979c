/**
 * The auxiliary channels' bytes (docs/protocol.md): the packet `AMR1 <agent>
 * <timestamp> v1=<signature>\n<gzip body>`, the ACK/ERR reply line, TCP framing.
 */
import { ackSignature, errSignature, sameText, signature } from './sign.js';

export function auxHeader(agentId: string): string {
  // Length of the header without timestamp/signature varies only with the agent id.
  return `AMR1 ${encodeURIComponent(agentId)} `;
}

/** One auxiliary packet: header line + gzip body. */
export function encodeAuxPacket(agentId: string, key: string, body: Buffer, now = Date.now()): Buffer {
  const ts = Math.floor(now / 1000);
  return Buffer.concat([Buffer.from(`${auxHeader(agentId)}${ts} ${signature(key, ts, body)}\n`, 'ascii'), body]);
}

/** Bytes an aux packet adds to a body of this agent id (timestamp: 10 digits, signature: 67 chars). */
export function auxOverhead(agentId: string): number {
  return Buffer.byteLength(auxHeader(agentId)) + 10 + 1 + 67 + 1;
}

/** A packet's parts; the timestamp is checked by whoever verifies the signature. */
export interface AuxPacket { agentId: string; timestamp: string; signature: string; body: Buffer }

/** Longest header line accepted before the body. */
const MAX_HEADER = 512;

export function decodeAuxPacket(packet: Buffer): AuxPacket | null {
  const nl = packet.indexOf(0x0a);
  if (nl < 0 || nl > MAX_HEADER) return null;
  const parts = packet.subarray(0, nl).toString('latin1').split(' ');
  if (parts.length !== 4 || parts[0] !== 'AMR1') return null;
  try {
    return { agentId: decodeURIComponent(parts[1]!), timestamp: parts[2]!, signature: parts[3]!, body: packet.subarray(nl + 1) };
  } catch {
    return null;
  }
}

export function encodeAck(key: string, messageId: string, duplicate: boolean): string {
  return `AMR1 ACK ${messageId} ${duplicate ? 1 : 0} ${ackSignature(key, messageId, duplicate)}`;
}

/**
 * `AMR1 ERR <messageId or -> code=<code> [v1=<signature>] <error text>`: the same stable `code`
 * as the HTTP JSON refusal. `key` (the agent's, known once its signature verified) signs
 * refusals that name a message, so a forged datagram cannot make an agent set a message aside.
 */
export function encodeErr(messageId: string | null, error: string, code?: string | null, key?: string | null): string {
  const id = messageId ?? '-';
  const c = code && /^[a-z_]{1,40}$/.test(code) ? code : null;
  const sig = c && key && messageId ? `${errSignature(key, messageId, c)} ` : '';
  return `AMR1 ERR ${id} ${c ? `code=${c} ` : ''}${sig}${error.replace(/[\r\n]+/g, ' ')}`;
}

export type AuxReply =
  | { kind: 'ack'; messageId: string; duplicate: boolean; valid: boolean }
  /** `code` null from collectors before the codes; `signed` whether a signature over (messageId, code) verifies with `key`. */
  | { kind: 'err'; messageId: string | null; error: string; code: string | null; signed: boolean }
  | { kind: 'garbage'; text: string };

/** Parse a server reply; `valid` says whether the ACK signature verifies with `key`. */
export function decodeAuxReply(reply: Buffer, key: string): AuxReply {
  const text = reply.toString('utf8').replace(/\r?\n$/, '');
  const ack = /^AMR1 ACK (\S+) ([01]) (v1=[0-9a-f]{64})$/.exec(text);
  if (ack) {
    const duplicate = ack[2] === '1';
    return { kind: 'ack', messageId: ack[1]!, duplicate, valid: sameText(ackSignature(key, ack[1]!, duplicate), ack[3]!) };
  }
  const err = /^AMR1 ERR (\S+) (?:code=([a-z_]{1,40}) )?(?:(v1=[0-9a-f]{64}) )?(.*)$/s.exec(text);
  if (err) {
    const messageId = err[1] === '-' ? null : err[1]!;
    const code = err[2] ?? null;
    const signed = !!(messageId && code && err[3] && sameText(errSignature(key, messageId, code), err[3]));
    return { kind: 'err', messageId, error: err[4]!.slice(0, 200), code, signed };
  }
  return { kind: 'garbage', text: text.slice(0, 80) };
}

/** TCP framing: a 4-byte big-endian length, then the payload. */
export function frame(payload: Buffer | string): Buffer {
  const buf = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}
