/**
 * Reading many devices the way amr does everywhere (read, run, record checks):
 * concurrently, bounded by [snmp] concurrency. Per device: the SNMP read
 * (read-device.ts: plan, ask, decode), then, where a web profile says the pages add
 * data, ask the pages and merge them in, then check the identity. One device failing
 * never stops the others.
 */
import { mergeWeb, scrapeDevice, type ScrapeOptions } from '../http-scrape/index.js';
import { loadProfiles, profileExtension, type Profile } from '../profiles/index.js';
import type { Reading } from '../reading/types.js';
import { flagNoStableIdentity } from './check.js';
import type { ReadSettings } from './options.js';
import { readDevice, type ReadResult } from './read-device.js';

export { flagNoStableIdentity } from './check.js';
export type { ReadSettings } from './options.js';

export interface ReadManyOptions {
  /** Vendor profiles; default: built-in plus the data folder's. */
  profiles?: Profile[];
  /** Previous Reading of a host, for the "counter went down" check. */
  previous?: (host: string, current: Reading) => Reading | null | undefined;
  /** Web page options override (tests); default: the settings' (config.ini). */
  web?: (host: string) => ScrapeOptions;
  /** SNMP only: read no web page whatever config.ini and the profiles say (`amr read --no-web`). */
  noWeb?: boolean;
}

export async function readDevices(hosts: string[], settings: ReadSettings, options: ReadManyOptions = {}): Promise<ReadResult[]> {
  const results: ReadResult[] = new Array(hosts.length);
  await forEachReading(hosts, settings, options, (result, i) => { results[i] = result; });
  return results;
}

/**
 * Read the hosts, handing each result to `each` as soon as it is complete (in completion
 * order, with its index in `hosts`) and keeping nothing: a fleet's Readings need not all
 * be held in memory at once.
 */
export async function forEachReading(hosts: string[], settings: ReadSettings, options: ReadManyOptions,
  each: (result: ReadResult, index: number) => void): Promise<void> {
  const profiles = options.profiles ?? loadProfiles({ dataDir: settings.dataDir ?? undefined });
  const extension = profileExtension(profiles, { previous: options.previous });
  let next = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      const host = hosts[i]!;
      const result = await readDevice(host, { ...settings.session, credentials: settings.credentials(host), extension });
      if (result.reading.ok && !options.noWeb) {
        const pages = await scrapeDevice(result.reading, (options.web ?? settings.web)(host)); // ask the pages
        result.reading = mergeWeb(result.reading, pages); // merge
      }
      flagNoStableIdentity(result.reading); // check
      each(result, i);
    }
  };
  const width = Math.min(settings.concurrency, hosts.length);
  await Promise.all(Array.from({ length: width }, worker));
}
