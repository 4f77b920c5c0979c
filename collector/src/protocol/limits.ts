/** docs/protocol.md, "HTTP(S) channel": the numbers both sides agree on. */
export const MAX_COMPRESSED = 256 * 1024;
export const MAX_INFLATED = 4 * 1024 * 1024;
export const MAX_SKEW_SECONDS = 300;
export const PROTOCOL_VERSION = 1;
export const MESSAGE_TYPES = ['readings', 'heartbeat', 'alert'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * The `code` of every JSON refusal (docs/protocol.md, "Refusals"): what the agent does with a
 * message depends on it, never on the status or the text. Configuration-fixable codes keep the
 * message in the spool; `too_large` and `invalid` can never become valid; the rest are retried.
 */
export const REFUSAL_CODES = {
  unknown_agent: 'config',
  wrong_customer: 'config',
  bad_signature: 'config',
  clock_skew: 'config',
  too_large: 'permanent',
  invalid: 'permanent',
  not_found: 'config',
  method_not_allowed: 'config',
  rate_limited: 'retry',
  unavailable: 'retry',
  internal: 'retry',
} as const;
export type RefusalCode = keyof typeof REFUSAL_CODES;
