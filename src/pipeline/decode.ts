/**
 * Step 3, decode: a device's answers in, a Reading out. Pure (no I/O; only readAt is the clock), so
 * recordings and fixtures decode exactly as a live read does.
 */
import type { ReadExtension } from '../profiles/extension.js';
import { decodeReading } from '../reading/decode.js';
import type { Reading } from '../reading/types.js';
import type { Varbind } from '../snmp/types.js';
import { VarbindTable } from '../snmp/varbind-table.js';

/** The standard decoders, then the vendor profile's refinements, over one sorted table. */
export function decodeAnswer(host: string, ip: string, varbinds: readonly Varbind[], extension?: ReadExtension): Reading {
  const table = new VarbindTable(varbinds);
  const reading = decodeReading(host, table, { ip });
  extension?.apply(reading, table);
  return reading;
}
