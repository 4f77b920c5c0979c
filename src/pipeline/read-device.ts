/**
 * Reading one device by SNMP, as named steps (snmp_exporter's one scrape loop):
 * plan what to ask (plan.ts), ask it (ask.ts, the only I/O), decode the answers
 * (decode.ts, pure), check what the read could not get (check.ts). Every failure
 * becomes a Reading with ok=false and one clear error; nothing here throws for a
 * device's sake. Web pages and the fleet are read-many.ts's.
 */
import { errorMessage } from '../errors.js';
import type { ReadExtension } from '../profiles/extension.js';
import { emptyReading, type Reading } from '../reading/types.js';
import { askDevice, type AskOptions } from './ask.js';
import { flagIncompleteRead } from './check.js';
import { decodeAnswer } from './decode.js';
import { STANDARD_PLAN, followUpPlan } from './plan.js';

export { DEVICE_TIME_LIMIT_MS } from './ask.js';

export interface ReadOptions extends AskOptions {
  /** The vendor profiles' hooks: what to ask beyond the standard plan, and how to refine the Reading. */
  extension?: ReadExtension;
}

export interface ReadResult {
  reading: Reading;
  /** Label of the credential that worked (never the secret itself). */
  credential: string | null;
  requests: number;
}

export async function readDevice(host: string, options: ReadOptions): Promise<ReadResult> {
  const asked = await askDevice(host, STANDARD_PLAN, (answered) => followUpPlan(options.extension, answered), options);
  if ('error' in asked) return failedRead(host, asked.error, asked.requests);
  const { answer, requests } = asked;
  let reading: Reading;
  try {
    reading = decodeAnswer(host, answer.ip, answer.varbinds, options.extension);
  } catch (e) {
    return failedRead(host, errorMessage(e), requests);
  }
  flagIncompleteRead(reading, answer.problems, answer.truncated);
  return { reading, credential: answer.credential, requests };
}

function failedRead(host: string, error: string, requests: number): ReadResult {
  const reading = emptyReading(host);
  reading.ok = false;
  reading.error = error;
  return { reading, credential: null, requests };
}
