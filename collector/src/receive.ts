import { gunzipSync } from 'node:zlib';
import { agentKeyBox } from './agent-keys.js';
import type { Db } from './db/types.js';
import { DEFAULT_LIMITS, ingest, LimitError, type IngestLimits } from './ingest.js';
import { MAX_INFLATED, MAX_SKEW_SECONDS, parseMessage, SchemaError, signatureMatches, type RefusalCode } from '@amr/protocol';

/**
 * The checks of docs/protocol.md, in its order, independent of the channel the
 * bytes came in on (HTTP, auxiliary TCP, emergency UDP). The caller has already
 * enforced the size limit on the compressed body.
 */
export interface Envelope {
  agentId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  /** gzip-compressed JSON, exactly as signed. */
  body: Buffer;
}

export interface Outcome {
  status: 200 | 400 | 401 | 413 | 429 | 503;
  body: { ok: true; messageId: string; duplicate: boolean } | { ok: false; code: RefusalCode; error: string };
  /** For the log: which agent, how many readings, what failed inside. */
  agentId?: string;
  /** The message id when the body could be read that far (the auxiliary ERR line names it). */
  messageId?: string;
  internal?: string;
  readings?: number;
}

/** A message is 5 levels deep; deeper JSON is an attack on the stack of whatever walks it later (stringify, reports). */
const MAX_JSON_DEPTH = 32;

/** Counts bracket depth outside strings, without parsing: O(n), no recursion. */
export function nestedDeeperThan(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const reject = (status: Outcome['status'], code: RefusalCode, error: string, agentId?: string): Outcome => ({ status, body: { ok: false, code, error }, agentId });

/**
 * The checks that need no body (the agent is enrolled, the timestamp is fresh): made before a
 * body is read, so a stranger or a replay costs no memory. Returns the refusal, or the agent.
 */
export async function preflight(db: Db, agentId: string | undefined, timestamp: string | undefined, now = Date.now()): Promise<Outcome | { customer: string; agent_key: string }> {
  const agent = agentId
    ? await db.get<{ customer: string; agent_key: string }>('SELECT customer, agent_key FROM agents WHERE agent_id = ? AND revoked = 0', [agentId])
    : undefined;
  if (!agent || !agentId) return reject(401, 'unknown_agent', 'unknown agent', agentId);
  const ts = timestamp ?? '';
  if (!/^\d{1,12}$/.test(ts) || Math.abs(now / 1000 - Number(ts)) > MAX_SKEW_SECONDS) return reject(401, 'clock_skew', 'stale timestamp', agentId);
  return agent;
}

export const isRefusal = (v: Outcome | { customer: string }): v is Outcome => 'status' in v;

export async function receive(db: Db, env: Envelope, channel: string, remote: string, now = Date.now(), limits: IngestLimits = DEFAULT_LIMITS): Promise<Outcome> {
  const agent = await preflight(db, env.agentId, env.timestamp, now);
  if (isRefusal(agent)) return agent;
  const ts = env.timestamp!;
  if (!env.signature || !signatureMatches((await agentKeyBox(db)).open(agent.agent_key), ts, env.body, env.signature)) return reject(401, 'bad_signature', 'bad signature', env.agentId);

  let json: Buffer;
  try {
    json = gunzipSync(env.body, { maxOutputLength: MAX_INFLATED });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return reject(413, 'too_large', 'too large', env.agentId);
    return reject(400, 'invalid', 'body is not gzip-compressed', env.agentId);
  }
  if (nestedDeeperThan(json, MAX_JSON_DEPTH)) return reject(400, 'invalid', `body is nested deeper than ${MAX_JSON_DEPTH} levels`, env.agentId);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return reject(400, 'invalid', 'body is not JSON', env.agentId);
  }
  const claimed = (parsed as { messageId?: unknown } | null)?.messageId;
  const idForReply = typeof claimed === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(claimed) ? claimed : undefined;
  let msg;
  try {
    msg = parseMessage(parsed, env.agentId!);
  } catch (err) {
    if (err instanceof SchemaError) return { ...reject(400, 'invalid', err.message, env.agentId), messageId: idForReply };
    throw err;
  }
  if (msg.customer !== agent.customer) {
    return { ...reject(400, 'wrong_customer', `customer "${msg.customer}" differs from the agent's enrolment (${agent.customer})`, env.agentId), messageId: msg.messageId };
  }

  let result;
  try {
    result = await ingest(db, msg, channel, new Date(now).toISOString(), remote, limits);
  } catch (err) {
    if (err instanceof LimitError) return { ...reject(err.status, err.code, err.message, env.agentId), messageId: msg.messageId };
    // The database is down or busy: the agent keeps the message in its spool and retries.
    return { ...reject(503, 'unavailable', 'storage unavailable, retry later', env.agentId), internal: (err as Error).message };
  }
  return { status: 200, body: { ok: true, messageId: msg.messageId, duplicate: result.duplicate }, agentId: msg.agentId, readings: result.stored };
}
