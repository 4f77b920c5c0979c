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
