/**
 * Step 5, check: flags that say how far a Reading can be trusted, added after decoding
 * (what the read could not get) and after merging (what identifies the device). Pure.
 */
import { MAX_TABLE_ROWS } from '../reading/oids.js';
import type { Reading } from '../reading/types.js';

/** A read that lost tables after the device had answered, or cut a hostile table, says so. */
export function flagIncompleteRead(reading: Reading, problems: readonly string[], truncated: readonly string[]): void {
  if (problems.length) {
    reading.flags.push({ code: 'partialRead', message: `some tables could not be read: ${[...new Set(problems)].join('; ')}` });
  }
  if (truncated.length) {
    reading.flags.push({ code: 'tooManyRows', message: `device lists more than ${MAX_TABLE_ROWS} rows in ${[...new Set(truncated)].join(', ')}; the first ${MAX_TABLE_ROWS} are used` });
  }
}

/**
 * A device with neither serial nor MAC (some print servers hide both) is still a device:
 * the collector keys it by agent + address + model until one appears (issue 13 item 2).
 * The Reading says so, so nobody mistakes the fallback for a stable identity.
 */
export function flagNoStableIdentity(reading: Reading): void {
  const id = reading.identity;
  if (!reading.ok || id.serial || id.mac || reading.flags.some((f) => f.code === 'noSerialOrMac')) return;
  reading.flags.push({
    code: 'noSerialOrMac',
    path: 'identity',
    message: `no serial number or MAC address: identified by this agent, address ${id.ip ?? reading.host} and model ${id.model ?? id.sysObjectID ?? 'unknown'} until one appears`,
  });
}
