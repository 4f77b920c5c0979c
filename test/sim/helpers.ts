/** Shared bits for simulator tests: recordings and clash-free loopback endpoints. */
import { loadRecording } from '../../src/sim/load.js';
import type { Varbind } from '../../src/snmp/types.js';
import { join } from 'node:path';
import { DEVICES_DIR } from '../helpers/fixtures.js';

export const PRINTERS = join(DEVICES_DIR, 'printers');

export function recording(name: string): Varbind[] {
  return loadRecording(`${PRINTERS}/${name}.snmprec`).varbinds;
}

let counter = 0;
/**
 * A fresh 127.77.x.y address and a port in 16100-19999: other engineers' tests run
 * concurrently on this machine, so every test file picks its own random block.
 */
export function endpoint(): { address: string; port: number } {
  counter++;
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + ((counter * 37 + Math.floor(Math.random() * 250)) % 250);
  return { address: `127.77.${x}.${y}`, port: 16100 + Math.floor(Math.random() * 3900) };
}
