/** Access to the device recordings in test/fixtures/devices (copied from ../shared/devices). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnmprec } from '../../src/snmp/snmprec.js';
import type { Varbind } from '../../src/snmp/types.js';

export const DEVICES_DIR = join(import.meta.dirname, '..', 'fixtures', 'devices');

export interface ExpectedSupply {
  hrDeviceIndex: number; index: number; description: string; class: number | null; type: number | null;
  unit: number | null; max: number | null; level: number | null; colorantIndex: number | null;
}

export interface Expected {
  sysDescr: string;
  sysObjectID: string;
  librenms?: { hardware: string | null; serial: string | null; version: string | null;
    counters: Array<{ oid: string; descr: string; value: number }> | null;
    supplies: Array<{ supply_descr: string; supply_current: number }> | null };
  printerMib: { serial: string | null; lifeCount: number | null; counterUnit: number | null; hrDeviceDescr: string | null; supplies: ExpectedSupply[] };
}

export function recordingNames(folder: 'printers' | 'others' | 'detect'): string[] {
  return readdirSync(join(DEVICES_DIR, folder)).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, '')).sort();
}

export function loadRecording(folder: string, name: string): Varbind[] {
  return parseSnmprec(readFileSync(join(DEVICES_DIR, folder, `${name}.snmprec`), 'utf8'), name, () => {});
}

export function loadExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(DEVICES_DIR, 'printers', `${name}.expected.json`), 'utf8')) as Expected;
}

/** What a correct agent reports for a raw supply row (RFC 3805), independent of the code under test. */
export function expectedPercent(s: ExpectedSupply): number | null {
  if (s.level === null || s.level < 0) return null;
  const receptacle = s.class === 4 || (s.class !== 3 && [4, 8, 14, 24, 26].includes(s.type ?? 0));
  let left: number | null = null;
  if (s.max !== null && s.max > 0) left = Math.min(100, (s.level / s.max) * 100);
  else if (s.unit === 19 && s.level <= 100) left = s.level;
  if (left === null) return null;
  return Math.round(receptacle ? 100 - left : left);
}
