import { createHmac, timingSafeEqual } from 'node:crypto';

/** `v1=` + hex HMAC-SHA256(agent_key, timestamp + "." + body bytes) (docs/protocol.md). */
export function signature(key: string, timestamp: string, body: Buffer): string {
  const h = createHmac('sha256', key);
  h.update(`${timestamp}.`);
  h.update(body);
  return `v1=${h.digest('hex')}`;
}

export function signatureMatches(key: string, timestamp: string, body: Buffer, given: string): boolean {
  const want = Buffer.from(signature(key, timestamp, body));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}
