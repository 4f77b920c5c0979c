/**
 * Reading many devices the way amr does everywhere (read, run, record checks):
 * concurrently, bounded by [snmp] concurrency; the standard read, then the matched
 * vendor profile, then the device's web pages where a profile says they add data.
 * One device failing never stops the others.
 */
import type { Config } from '../config/types.js';
import type { Credential } from '../snmp/credentials.js';
import type { SessionOptions } from '../snmp/session.js';
import { mergeWeb, scrapeDevice, webOptionsFor, type ScrapeOptions } from '../http-scrape/index.js';
import { loadProfiles, profileExtension, type Profile } from '../profiles/index.js';
import { readDevice, type ReadResult } from './read-device.js';
import type { Reading } from '../reading/types.js';

export interface SnmpSettings {
  config: Config;
  session: SessionOptions;
  /** Credentials to try for a host, in order. */
  credentials(host: string): Credential[];
}

export interface ReadManyOptions {
  /** Vendor profiles; default: built-in plus the data folder's. */
  profiles?: Profile[];
  /** Previous Reading of a host, for the "counter went down" check. */
  previous?: (host: string, current: Reading) => Reading | null | undefined;
  /** Web page options override (tests); default from config.ini. */
  web?: (host: string) => ScrapeOptions;
  /** SNMP only: read no web page whatever config.ini and the profiles say (`amr read --no-web`). */
  noWeb?: boolean;
}

export async function readDevices(hosts: string[], settings: SnmpSettings, options: ReadManyOptions = {}): Promise<ReadResult[]> {
  const results: ReadResult[] = new Array(hosts.length);
  await forEachReading(hosts, settings, options, (result, i) => { results[i] = result; });
  return results;
}

/**
 * Read the hosts, handing each result to `each` as soon as it is complete (in completion
 * order, with its index in `hosts`) and keeping nothing: a fleet's Readings need not all
 * be held in memory at once.
 */
export async function forEachReading(hosts: string[], settings: SnmpSettings, options: ReadManyOptions,
  each: (result: ReadResult, index: number) => void): Promise<void> {
  const { config } = settings;
  const profiles = options.profiles ?? loadProfiles({ dataDir: config.agent.data_dir ?? undefined });
  const extension = profileExtension(profiles, { previous: options.previous });
  let next = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      const host = hosts[i]!;
      const result = await readDevice(host, { ...settings.session, credentials: settings.credentials(host), extension });
      if (result.reading.ok && !options.noWeb) {
        const pages = await scrapeDevice(result.reading, options.web?.(host) ?? webOptionsFor(config, host));
        result.reading = mergeWeb(result.reading, pages);
      }
      flagNoStableIdentity(result.reading);
      each(result, i);
    }
  };
  const width = Math.min(config.snmp.concurrency, hosts.length);
  await Promise.all(Array.from({ length: width }, worker));
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
