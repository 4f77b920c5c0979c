/** Read many devices concurrently, bounded by [snmp] concurrency; one failure never stops the others. */
import type { SnmpSettings } from '../commands/snmp-options.js';
import { readDevice, type ReadExtension, type ReadResult } from './read-device.js';

export async function readDevices(hosts: string[], settings: SnmpSettings, extension?: ReadExtension): Promise<ReadResult[]> {
  const results: ReadResult[] = new Array(hosts.length);
  let next = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      const host = hosts[i]!;
      results[i] = await readDevice(host, { ...settings.session, credentials: settings.credentials(host), extension });
    }
  };
  const width = Math.min(settings.config.snmp.concurrency, hosts.length);
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
