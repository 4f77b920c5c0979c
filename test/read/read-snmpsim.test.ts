/** Cross-check: amr read against Debian's snmpsim, an SNMP agent that is not ours. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDevice } from '../../src/pipeline/read-device.js';
import { decodeReading } from '../../src/reading/decode.js';
import { loadRecording, recordingNames } from '../helpers/fixtures.js';
import { startSnmpsim, type SnmpsimFleet } from '../helpers/snmpsim.js';

const PORT = 16163;
let fleet: SnmpsimFleet;
const names = recordingNames('printers');
beforeAll(async () => { fleet = await startSnmpsim('127.0.25', PORT, names); }, 60_000);
afterAll(async () => { await fleet?.stop(); });

describe('amr read against snmpsim', () => {
  it.each(names)('%s: serial, total, unit and supplies match the recording', async (name) => {
    const addr = fleet.address.get(name)!;
    const { reading } = await readDevice(addr, {
      port: PORT, timeoutMs: 3000, retries: 1, maxRepetitions: 25,
      credentials: [{ version: '2c', community: 'public', label: 'v2c community #1' }],
    });
    expect(reading.error).toBeUndefined();
    const offline = decodeReading(addr, loadRecording('printers', name), { ip: addr });
    expect(reading.identity.serial).toBe(offline.identity.serial);
    expect(reading.identity.mac).toBe(offline.identity.mac);
    expect(reading.counters).toEqual(offline.counters);
    expect(reading.supplies).toEqual(offline.supplies);
    expect(reading.alerts).toEqual(offline.alerts);
  });
});
