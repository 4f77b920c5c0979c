/** Shared bits for discovery tests: recordings from test/fixtures/devices and random loopback blocks. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSnmprec } from '../../src/snmp/snmprec.js';
import type { Varbind } from '../../src/snmp/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/devices/', import.meta.url));

export function recordingNames(folder: 'printers' | 'detect' | 'others'): string[] {
  return readdirSync(FIXTURES + folder).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, '')).sort();
}

/** A recording's varbinds; lines LibreNMS garbled are skipped (as the simulator does). */
export function recording(folder: string, name: string): Varbind[] {
  return parseSnmprec(readFileSync(`${FIXTURES}${folder}/${name}.snmprec`, 'utf8'), name, () => {});
}

/** A random 127.88.x.0/24 block (x in 1..250) and port, so concurrent test files never collide. */
export function block(): { prefix: string; port: number } {
  const x = 1 + Math.floor(Math.random() * 250);
  return { prefix: `127.88.${x}`, port: 20000 + Math.floor(Math.random() * 9000) };
}
