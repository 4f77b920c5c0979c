/** The HTTP(S) channel's body and headers (docs/protocol.md). */
import { gzipSync } from 'node:zlib';
import type { Message } from './message.js';
import { signature } from './sign.js';

export function encodeBody(message: Message): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(message), 'utf8'), { level: 9 });
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
