/**
 * The inventory of printers found, kept in the data folder. A printer is known by its
 * serial and MAC, never by its IP: a new IP for a known serial/MAC is the same printer,
 * moved; one device answering on two IPs is one device; a printer that stops answering
 * is marked missing, never deleted. Writes are atomic (temp file + rename), so Ctrl-C or
 * a crash leaves either the old inventory or the new one, never half of one.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { describeWriteError, writeFileDurable } from '../durable-file.js';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { CredentialRef } from './credentials.js';
import type { FoundDevice } from './sweep.js';

export type InventoryStatus = 'new' | 'known' | 'moved' | 'missing';

export interface InventoryDevice {
  /** Stable key: "serial:...", else "mac:...", else "ip:..." (upgraded when a serial or MAC shows up). */
  id: string;
  serial: string | null;
  mac: string | null;
  ip: string;
  /** Every address the device answered on in its last sighting (usually just ip). */
  ips: string[];
  previousIp?: string;
  vendor: string | null;
  brand: string | null;
  model: string | null;
  kind: string;
  sysName: string | null;
  sysObjectID: string | null;
  credential: CredentialRef;
  reason: string;
  status: InventoryStatus;
  firstSeen: string;
  lastSeen: string;
  missingSince?: string;
}

export interface Inventory {
  version: 1;
  updated: string | null;
  /**
   * What the last sweep covered when no targets were configured (the host's own subnets or
   * the command line's): `amr run` re-sweeps exactly that, never a subnet chosen afresh.
   */
  swept?: string[];
  devices: InventoryDevice[];
}

const INVENTORY_FILE = 'inventory.json';

export function emptyInventory(): Inventory {
  return { version: 1, updated: null, devices: [] };
}

export function inventoryPath(dataDir: string): string {
  return join(dataDir, INVENTORY_FILE);
}

export function loadInventory(path: string): Inventory {
  // A discovery that could not replace inventory.json left its result beside it: newer, used when whole.
  const unsaved = statSync(unsavedPath(path), { throwIfNoEntry: false });
  const saved = statSync(path, { throwIfNoEntry: false });
  if (unsaved && (!saved || unsaved.mtimeMs >= saved.mtimeMs)) {
    try {
      return parseInventory(readFileSync(unsavedPath(path), 'utf8'));
    } catch { /* cut short by the same full disk: the saved one stands */ }
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyInventory();
    throw new UserError(`${path}: cannot read the inventory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseInventory(text);
  } catch {
    throw new UserError(`${path}: the inventory is not valid JSON from this agent; move it aside and run discover again`);
  }
}

function parseInventory(text: string): Inventory {
  const inv = JSON.parse(text) as Inventory;
  if (inv.version !== 1 || !Array.isArray(inv.devices)) throw new Error('shape');
  if (inv.swept !== undefined && !(Array.isArray(inv.swept) && inv.swept.every((t) => typeof t === 'string'))) throw new Error('shape');
  return inv;
}

/**
 * Write via the durable-file helper: readers see the old inventory or the new one, never
 * half. If it cannot be replaced (disk full, a file held open by an antivirus past the
 * retries), the finished discovery is kept beside it as inventory.json.unsaved and used
 * by the next load; the error is thrown for the caller to report.
 */
export function saveInventory(path: string, inv: Inventory): void {
  const text = JSON.stringify(inv, null, 1) + '\n';
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileDurable(path, text);
    rmSync(unsavedPath(path), { force: true });
  } catch (e) {
    let kept = '';
    try {
      writeFileSync(unsavedPath(path), text, { mode: 0o600 });
      kept = `; the devices found are kept in ${unsavedPath(path)} and used by the next run`;
    } catch { /* nowhere to keep it; the caller still has the result in hand */ }
    throw new InventoryNotSaved(`${describeWriteError(e, path)}${kept}`);
  }
}

class InventoryNotSaved extends Error {}

export function unsavedPath(path: string): string {
  return `${path}.unsaved`;
}

function norm(s: string | undefined | null): string | null {
  const t = s?.trim();
  return t ? t : null;
}

function identityOf(serial: string | null, mac: string | null, ip: string): string {
  return serial ? `serial:${serial.toUpperCase()}` : mac ? `mac:${mac.toLowerCase()}` : `ip:${ip}`;
}

/** Same device? Serials decide when both have one; otherwise MACs; otherwise (neither has either) the IP. */
function sameDevice(a: { serial: string | null; mac: string | null; ip: string }, b: { serial: string | null; mac: string | null; ip: string }): boolean {
  if (a.serial && b.serial) return a.serial.toUpperCase() === b.serial.toUpperCase();
  if (a.mac && b.mac) return a.mac.toLowerCase() === b.mac.toLowerCase();
  // A device known only by its address (its agent gave no serial or MAC) is matched by address.
  if ((!a.serial && !a.mac) || (!b.serial && !b.mac)) return a.ip === b.ip;
  return false;
}

export interface MergeOptions {
  now?: Date;
  /** Was this address swept (to completion)? Devices not found at a swept address become missing. */
  swept: (ip: string) => boolean;
  /** False for an interrupted sweep: nothing is marked missing then. */
  complete: boolean;
}

/** Fold one sweep's printers into the inventory; returns the new inventory (the old one is not changed). */
export function mergeInventory(old: Inventory, found: readonly FoundDevice[], o: MergeOptions): Inventory {
  const now = (o.now ?? new Date()).toISOString();
  const devices: InventoryDevice[] = old.devices.map((d) => ({ ...d, ips: [...d.ips] }));
  const touched = new Set<InventoryDevice>();

  for (const f of found) {
    if (!f.classification.printer) continue;
    const serial = norm(f.facts.serial);
    const mac = norm(f.facts.mac);
    const probe = { serial, mac, ip: f.ip };
    // Seen already in this sweep on another address: one device, several IPs.
    const twin = [...touched].find((d) => sameDevice(d, probe));
    if (twin) {
      if (!twin.ips.includes(f.ip)) twin.ips.push(f.ip);
      continue;
    }
    const existing = devices.find((d) => !touched.has(d) && sameDevice(d, probe));
    const c = f.classification;
    const fields = {
      serial: serial ?? existing?.serial ?? null,
      mac: mac ?? existing?.mac ?? null,
      vendor: c.vendor ?? null,
      brand: c.brand ?? null,
      model: c.model ?? null,
      kind: c.kind,
      sysName: f.facts.sysName ?? null,
      sysObjectID: f.facts.sysObjectID ?? null,
      credential: f.credential,
      reason: c.reason,
      lastSeen: now,
    };
    if (existing) {
      const moved = existing.ip !== f.ip && !existing.ips.includes(f.ip);
      if (moved) existing.previousIp = existing.ip;
      Object.assign(existing, fields, { ip: f.ip, ips: [f.ip], status: moved ? 'moved' : 'known' });
      existing.id = identityOf(existing.serial, existing.mac, existing.ip);
      delete existing.missingSince;
      touched.add(existing);
    } else {
      const d: InventoryDevice = {
        id: identityOf(fields.serial, fields.mac, f.ip), ip: f.ip, ips: [f.ip], ...fields, status: 'new', firstSeen: now,
      };
      devices.push(d);
      touched.add(d);
    }
  }

  for (const d of devices) {
    if (touched.has(d)) continue;
    if (o.complete && o.swept(d.ip)) {
      if (d.status !== 'missing') d.missingSince = now;
      d.status = 'missing';
    } else if (d.status !== 'missing') {
      d.status = 'known'; // not looked at this time: nothing new to say
    }
  }
  return { version: 1, updated: now, ...(old.swept ? { swept: old.swept } : {}), devices };
}
