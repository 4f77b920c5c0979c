/**
 * What a collector's refusal means for the message. Configuration can fix some
 * (unknown agent, wrong customer, wrong key, clock off): the message stays in the
 * spool and the run says what to change. Only the collector's own JSON refusal of
 * a message that can never be valid (400/413 with `{"ok":false,...}`) is permanent;
 * an HTML 400 from a proxy, WAF or captive portal is an ordinary failure, retried.
 */
import { REFUSAL_CODES } from '@amr/protocol';
import type { Refusal } from './http.js';

export type RefusalClass =
  | { kind: 'config'; hint: string }
  | { kind: 'invalid'; why: string };

export interface RefusalContext { agentId: string; customer: string }

/** `code` is the collector's machine-readable reason; older collectors only give the text. */
export function classifyRefusal(status: number | null, refusal: Refusal, ctx: RefusalContext): RefusalClass | null {
  const code = refusal.code ?? codeFromText(refusal.error);
  if (refusal.code !== null && !(refusal.code in REFUSAL_CODES)) return null;
  switch (code) {
    case 'unknown_agent':
      return { kind: 'config', hint: `the collector does not know agent "${ctx.agentId}": set [agent] id to the id your dealer enrolled (amr-collector enroll), or check [server] urls points at your dealer's collector` };
    case 'bad_signature':
      return { kind: 'config', hint: `the collector refuses the signature of agent "${ctx.agentId}": [server] agent_key differs from the key the dealer enrolled; copy the key from the enrolment again` };
    case 'clock_skew':
      return { kind: 'config', hint: 'this PC\'s clock is more than 5 minutes off the collector\'s: set the clock right (turn on time synchronisation)' };
    case 'wrong_customer':
      return { kind: 'config', hint: `[agent] customer = ${ctx.customer} is not the customer agent "${ctx.agentId}" was enrolled for (${printableTail(refusal.error)}); set [agent] customer to the enrolled code` };
    case 'not_found': case 'method_not_allowed':
      return { kind: 'config', hint: 'that URL is not a collector\'s /v1/messages: check [server] urls (the address your dealer gave, without /v1/messages)' };
    case 'invalid': case 'too_large':
      return { kind: 'invalid', why: refusal.error };
    default:
      // A collector older than the codes: its JSON 400/413 is its own refusal of the message.
      if (refusal.code === null && (status === 400 || status === 413)) return { kind: 'invalid', why: refusal.error };
      return null;
  }
}

function codeFromText(error: string): string | null {
  // Collectors before the codes give only the text (JSON refusals and auxiliary ERR lines alike).
  if (/^unknown agent/i.test(error)) return 'unknown_agent';
  if (/^bad signature/i.test(error)) return 'bad_signature';
  if (/^(stale timestamp|clock)/i.test(error)) return 'clock_skew';
  if (/^customer .* differs from the agent's enrolment/i.test(error)) return 'wrong_customer';
  return null;
}

function printableTail(text: string): string {
  const m = /enrolment \(([^)]{0,128})\)/.exec(text);
  return m ? `enrolled as ${m[1]!.replace(/[^\x20-\x7e]/g, '?')}` : 'the collector says so';
}
