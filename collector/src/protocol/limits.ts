/** docs/protocol.md, "HTTP(S) channel": the numbers both sides agree on. */
export const MAX_COMPRESSED = 256 * 1024;
export const MAX_INFLATED = 4 * 1024 * 1024;
export const MAX_SKEW_SECONDS = 300;
export const PROTOCOL_VERSION = 1;
export const MESSAGE_TYPES = ['readings', 'heartbeat', 'alert'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
