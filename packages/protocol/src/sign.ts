/** Signatures of docs/protocol.md: `v1=` + lowercase hex HMAC-SHA256 with the agent key. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Over timestamp + "." + the gzip body bytes as sent (X-AMR-Signature and the aux packet). */
export function signature(key: string, timestamp: number | string, body: Buffer): string {
  return 'v1=' + createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex');
}

export function signatureMatches(key: string, timestamp: number | string, body: Buffer, given: string): boolean {
  return sameText(signature(key, timestamp, body), given);
}

/** Over "ack." + messageId + "." + 0|1, so a forged ACK cannot make an agent drop a message. */
export function ackSignature(key: string, messageId: string, duplicate: boolean): string {
  return 'v1=' + createHmac('sha256', key).update(`ack.${messageId}.${duplicate ? 1 : 0}`).digest('hex');
}

/** Over "err." + messageId + "." + code: an agent sets a message aside on an auxiliary refusal only when its collector signed it. */
export function errSignature(key: string, messageId: string, code: string): string {
  return 'v1=' + createHmac('sha256', key).update(`err.${messageId}.${code}`).digest('hex');
}

export function sameText(want: string, given: string): boolean {
  const a = Buffer.from(want);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
