/**
 * Bytes on the wire (docs/protocol.md): gzip body, HMAC signature, and the
 * auxiliary-channel packet and reply lines. Pure functions, shared by sender and tests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Message } from './wire.js';

/** Largest UDP datagram the agent sends, header included. */
export const UDP_MAX_BYTES = 1200;
/** Largest TCP frame on the auxiliary channel. */
export const TCP_MAX_FRAME = 65_536;

export function encodeBody(message: Message): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(message), 'utf8'), { level: 9 });
}

/** `v1=` + hex HMAC-SHA256(key, timestamp + "." + body). */
export function signature(key: string, timestamp: number, body: Buffer): string {
  return 'v1=' + createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex');
}

export function httpHeaders(agentId: string, key: string, body: Buffer, now = Date.now()): Record<string, string> {
  const ts = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'x-amr-agent': agentId,
    'x-amr-timestamp': String(ts),
    'x-amr-signature': signature(key, ts, body),
  };
}

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

export interface AuxPacket { agentId: string; timestamp: number; signature: string; body: Buffer }

/** Parse a packet (used by the test listeners; the collector has its own). */
export function decodeAuxPacket(packet: Buffer): AuxPacket | null {
  const nl = packet.indexOf(0x0a);
  if (nl < 0) return null;
  const parts = packet.subarray(0, nl).toString('ascii').split(' ');
  if (parts.length !== 4 || parts[0] !== 'AMR1' || !/^\d+$/.test(parts[2]!)) return null;
  try {
    return { agentId: decodeURIComponent(parts[1]!), timestamp: Number(parts[2]), signature: parts[3]!, body: packet.subarray(nl + 1) };
  } catch {
    return null;
  }
}

export function ackSignature(key: string, messageId: string, duplicate: boolean): string {
  return 'v1=' + createHmac('sha256', key).update(`ack.${messageId}.${duplicate ? 1 : 0}`).digest('hex');
}

export function encodeAck(key: string, messageId: string, duplicate: boolean): string {
  return `AMR1 ACK ${messageId} ${duplicate ? 1 : 0} ${ackSignature(key, messageId, duplicate)}`;
}

export type AuxReply =
  | { kind: 'ack'; messageId: string; duplicate: boolean; valid: boolean }
  | { kind: 'err'; messageId: string | null; error: string }
  | { kind: 'garbage'; text: string };

/** Parse a server reply; `valid` says whether the ACK signature verifies with `key`. */
export function decodeAuxReply(reply: Buffer, key: string): AuxReply {
  const text = reply.toString('utf8').replace(/\r?\n$/, '');
  const ack = /^AMR1 ACK (\S+) ([01]) (v1=[0-9a-f]{64})$/.exec(text);
  if (ack) {
    const duplicate = ack[2] === '1';
    const expected = Buffer.from(ackSignature(key, ack[1]!, duplicate));
    const given = Buffer.from(ack[3]!);
    return { kind: 'ack', messageId: ack[1]!, duplicate, valid: expected.length === given.length && timingSafeEqual(expected, given) };
  }
  const err = /^AMR1 ERR (\S+) (.*)$/s.exec(text);
  if (err) return { kind: 'err', messageId: err[1] === '-' ? null : err[1]!, error: err[2]!.slice(0, 200) };
  return { kind: 'garbage', text: text.slice(0, 80) };
}

export function frame(payload: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(payload.length);
  return Buffer.concat([len, payload]);
}
