/**
 * Step 1, plan: what to ask a device. The standard plan is fixed (the system group, then
 * the Printer-MIB and host-resources columns the decoder reads); the follow-up plan is
 * what the matched vendor profile adds, chosen from the standard answers. Pure.
 */
import type { ReadExtension } from '../profiles/extension.js';
import { READ_SCALARS, READ_TABLES } from '../reading/oids.js';
import type { Varbind } from '../snmp/types.js';
import { VarbindTable } from '../snmp/varbind-table.js';

export interface Plan {
  /** Scalars asked by GET. */
  get: readonly string[];
  /** Groups of columns, each group walked together (GETBULK, GETNEXT on v1). */
  walk: readonly (readonly string[])[];
}

export const STANDARD_PLAN: Plan = { get: READ_SCALARS, walk: READ_TABLES };

export const EMPTY_PLAN: Plan = { get: [], walk: [] };

/** What the vendor profile matched by the standard answers wants besides them. */
export function followUpPlan(extension: ReadExtension | undefined, answered: readonly Varbind[]): Plan {
  if (!extension) return EMPTY_PLAN;
  const extra = extension.requests(new VarbindTable([...answered]));
  return { get: extra.get, walk: extra.walk.map((w) => [w]) };
}
