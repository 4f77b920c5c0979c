/**
 * `amr discover` apart from argument parsing and printing: pick targets (given, configured,
 * or the host's own subnets), sweep, fold the printers into the inventory, save it atomically.
 */
import { networkInterfaces } from 'node:os';
import type { Config } from '../config/types.js';
import { defaultDataDir } from '../config/paths.js';
import { errorMessage, UserError } from '../errors.js';
import { requireWritableDir } from '../durable-file.js';
import { loadProfiles } from '../profiles/load.js';
import { sweepCredentials } from './credentials.js';
import { ownSubnets, type InterfaceList } from './interfaces.js';
import { inventoryPath, loadInventory, mergeInventory, saveInventory, type InventoryDevice } from './inventory.js';
import { buildTargets, ipToInt, type Resolver } from './targets.js';
import { sweep, type FoundDevice, type SweepProgress, type SweepStats } from './sweep.js';

export interface DiscoverOptions {
  config: Config;
  /** Targets from the command line; empty means [discovery] targets, then the own subnets. */
  targets?: readonly string[];
  exclude?: readonly string[];
  port?: number;
  communities?: readonly string[];
  version?: string;
  rate?: number;
  timeoutMs?: number;
  retries?: number;
  confirmed?: boolean;
  /** Update the inventory (default true). */
  save?: boolean;
  dataDir?: string;
  /** Injected for tests; the command passes os.networkInterfaces(). */
  interfaces?: () => InterfaceList;
  resolve?: Resolver;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  bindAddress?: string;
}

export interface DiscoverResult {
  /** Printers of this sweep (and the known ones now missing), inventory view. */
  printers: InventoryDevice[];
  /** Responders that are not printers, each with its reason. */
  others: FoundDevice[];
  stats: SweepStats;
  notes: string[];
  inventoryFile: string | null;
  /** The inventory could not be replaced: one line saying why and where the result was kept. */
  saveError: string | null;
}

export async function runDiscover(o: DiscoverOptions): Promise<DiscoverResult> {
  const cfg = o.config;
  const notes: string[] = [];
  let include = o.targets && o.targets.length ? o.targets : cfg.discovery.targets;
  if (!include.length) {
    const own = ownSubnets((o.interfaces ?? (() => networkInterfaces() as InterfaceList))(), cfg.discovery.max_prefix);
    notes.push(...own.notes);
    if (!own.targets.length) throw new UserError('no targets given and this host has no IPv4 subnet to sweep; pass targets (e.g. amr discover 192.168.1.0/24) or set [discovery] targets');
    notes.push(`no targets given: sweeping this host's own subnet${own.targets.length > 1 ? 's' : ''} ${own.targets.join(', ')}`);
    include = own.targets;
  }
  const ignored = Object.entries(cfg.device).filter(([, d]) => d.ignore).map(([addr]) => addr);
  const exclude = [...(o.exclude ?? []), ...cfg.discovery.exclude, ...ignored];
  const targets = await buildTargets(include, { exclude, confirmed: o.confirmed, resolve: o.resolve });
  if (targets.count === 0) throw new UserError('the exclusions remove every target address; nothing to sweep');

  const snmp = { ...cfg.snmp, communities: o.communities?.length ? [...splitTargetsKeep(o.communities)] : cfg.snmp.communities };
  const version = o.version ?? cfg.snmp.version;
  if (!['auto', '1', '2c', '3'].includes(version)) throw new UserError(`bad SNMP version "${version}": use auto, 1, 2c or 3`);
  const { common: credentials, own } = sweepCredentials({ snmp, snmpv3: cfg.snmpv3, device: cfg.device }, version);
  if (!credentials.length) {
    throw new UserError(version === '3' ? 'SNMP version 3 asked for but no [snmpv3.NAME] user is configured' : 'no SNMP community configured; set [snmp] communities or pass --community');
  }

  const save = o.save !== false;
  const dataDir = o.dataDir ?? cfg.agent.data_dir ?? defaultDataDir();
  const file = inventoryPath(dataDir);
  // Before a sweep that may take minutes: a data folder that cannot take the inventory is said now.
  if (save) requireWritableDir(dataDir, o.dataDir ? '--data-dir' : '[agent] data_dir');

  const result = await sweep({
    targets, port: o.port ?? cfg.snmp.port, credentials, ownCredentials: own, profiles: loadProfiles({ dataDir: cfg.agent.data_dir ?? undefined }),
    rate: o.rate ?? cfg.discovery.rate, timeoutMs: o.timeoutMs ?? cfg.discovery.timeout, retries: o.retries ?? cfg.discovery.retries,
    signal: o.signal, onProgress: o.onProgress, bindAddress: o.bindAddress,
  });

  const swept = (ip: string) => {
    const n = ipToInt(ip);
    return targets.ranges.some(([s, e]) => n >= s && n <= e);
  };
  const old = save ? loadInventory(file) : loadInventoryQuiet(file);
  const inv = mergeInventory(old, result.devices, { swept, complete: !result.stats.aborted });
  // Remembered for `amr run`, which re-sweeps these when [discovery] targets is empty.
  if (!cfg.discovery.targets.length) inv.swept = [...new Set([...(old.swept ?? []), ...include])];
  let saveError: string | null = null;
  if (save) {
    // A finished sweep is never thrown away: the error is reported beside the result.
    try { saveInventory(file, inv); } catch (e) { saveError = errorMessage(e); }
  }
  const foundIps = new Set(result.devices.filter((d) => d.classification.printer).map((d) => d.ip));
  const printers = inv.devices
    .filter((d) => d.ips.some((ip) => foundIps.has(ip)) || (d.status === 'missing' && swept(d.ip)))
    .sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip));
  return {
    printers,
    others: result.devices.filter((d) => !d.classification.printer),
    stats: result.stats,
    notes,
    inventoryFile: save && !saveError ? file : null,
    saveError,
  };
}

function loadInventoryQuiet(file: string) {
  try {
    return loadInventory(file);
  } catch {
    return { version: 1 as const, updated: null, devices: [] };
  }
}

/** Communities from the command line may be comma-separated; they are secrets, never echoed. */
function splitTargetsKeep(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

