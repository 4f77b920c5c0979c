/**
 * What the read pipeline's steps need, derived once from config.ini at the edge (the
 * commands, the run cycle): no step sees the whole Config, each gets the few options it uses.
 */
import type { Config } from '../config/types.js';
import type { Credential } from '../snmp/credentials.js';
import type { SessionOptions } from '../snmp/session.js';
import { webOptionsFor } from '../http-scrape/config.js';
import type { ScrapeOptions } from '../http-scrape/types.js';

/** Reading a fleet: how to ask each device, how many at once, and where the dealer's profiles are. */
export interface ReadSettings {
  /** SNMP session options for every device ([snmp] port, timeout, retries, max_repetitions). */
  session: SessionOptions;
  /** Credentials to try for a host, in order. */
  credentials(host: string): Credential[];
  /** Devices read at the same time ([snmp] concurrency). */
  concurrency: number;
  /** Web page options for a host ([web], [device.X] web). */
  web(host: string): ScrapeOptions;
  /** Folder holding the dealer's own profiles ([agent] data_dir); null: the default. */
  dataDir: string | null;
}

/** The session options [snmp] gives, before any command-line override. */
export function sessionOptionsFrom(snmp: Config['snmp']): SessionOptions {
  return { port: snmp.port, timeoutMs: snmp.timeout, retries: snmp.retries, maxRepetitions: snmp.max_repetitions };
}

export function readSettingsFrom(config: Config, o: { session?: SessionOptions; credentials: (host: string) => Credential[] }): ReadSettings {
  return {
    session: o.session ?? sessionOptionsFrom(config.snmp),
    credentials: o.credentials,
    concurrency: config.snmp.concurrency,
    web: (host) => webOptionsFor(config, host),
    dataDir: config.agent.data_dir ?? null,
  };
}
