/** Start the project's simulator with recordings from test/fixtures/devices on loopback. */
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { DeviceOptions } from '../../src/sim/device.js';
import { loadRecording, recordingNames } from './fixtures.js';

export interface Fleet {
  sim: Simulator;
  /** recording name -> address */
  address: Map<string, string>;
  port: number;
}

export async function startFleet(base: string, port: number, names = recordingNames('printers'), extra: Partial<DeviceOptions> = {}): Promise<Fleet> {
  const address = new Map<string, string>();
  const devices: DeviceOptions[] = names.map((name, i) => {
    const addr = `${base}.${i + 1}`;
    address.set(name, addr);
    return { address: addr, port, name, varbinds: loadRecording('printers', name), ...extra };
  });
  return { sim: await startSimulator({ devices }), address, port };
}
