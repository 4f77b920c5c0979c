/**
 * What a run sends, and why. Pure: the last-sent state and this run's Readings in, the
 * messages and the next state out (no clock, no files). Like the original agent, a
 * steady printer costs a heartbeat a day; changes that matter to the dealer (toner
 * moved, alert raised or cleared, pages to bill, device new/moved/missing) go at once.
 */
import type { Reading, Supply } from '../reading/types.js';

/** Why a reading is sent; the protocol's `reason` (docs/protocol.md), most important first. */
export const SEND_REASONS = ['new', 'moved', 'missing', 'alert', 'supply', 'pages', 'heartbeat'] as const;
export type SendReason = (typeof SEND_REASONS)[number];

export interface SupplySnapshot {
  level: number | null;
  state: string;
}

/** What the dealer last heard about one device. */
export interface DeviceState {
  key: string;
  /** Address it was last read (or last failed) at. */
  host: string;
  serial: string | null;
  vendor: string | null;
  mac: string | null;
  model: string | null;
  /** ISO times; lastSentAt null when nothing was ever sent. */
  lastSentAt: string | null;
  lastSeenAt: string | null;
  /** Reported missing and not seen since. */
  missing: boolean;
  pages: number | null;
  supplies: Record<string, SupplySnapshot>;
  alerts: string[];
}

export interface SendState {
  version: 1;
  devices: Record<string, DeviceState>;
}

export interface Send {
  key: string;
  /** The most important reason (the protocol carries one). */
  reason: SendReason;
  reasons: SendReason[];
  reading: Reading;
}

export interface Decision {
  sends: Send[];
  state: SendState;
  /** Hosts that could not be read this run (exit status 3). */
  unreachable: string[];
}

export interface DecideOptions {
  now: Date;
  /** [schedule] supply_delta: points a supply level must move. */
  supplyDelta: number;
  /** [schedule] page_delta: pages since the last message. */
  pageDelta: number;
  /** [schedule] heartbeat. */
  heartbeatMs: number;
  /**
   * A heartbeat this much early still counts as due: runs come every few hours, so
   * without slack a daily heartbeat would slip a run later every day.
   */
  heartbeatSlackMs?: number;
  /** A device unreadable this long (since last seen) is reported missing; 0 = at once. */
  missingAfterMs?: number;
}

export function emptyState(): SendState {
  return { version: 1, devices: {} };
}

const norm = (s: string | null | undefined): string => (s ?? '').trim();

/**
 * Device identity: serial (with vendor, as serials are only unique per maker), else
 * MAC, else (no identity at all) the address. Never the address when anything better exists:
 * DHCP moves printers.
 */
export function deviceKey(reading: Pick<Reading, 'identity' | 'host'>): string {
  const serial = norm(reading.identity.serial).toUpperCase();
  if (serial) return `sn:${norm(reading.identity.vendor).toLowerCase()}:${serial}`;
  const mac = norm(reading.identity.mac).toLowerCase();
  if (mac) return `mac:${mac}`;
  return `ip:${reading.host}`;
}

/** The page count billing moves with: total, else mono + color, else mono. */
export function pageCount(reading: Reading): number | null {
  const c = reading.counters;
  if (c.total) return c.total.value;
  if (c.mono && c.color) return c.mono.value + c.color.value;
  return c.mono?.value ?? c.print?.value ?? null;
}

function supplyKey(s: Supply): string {
  return `${s.hrDeviceIndex}.${s.index}`;
}

/** States with a meaning of their own; changes among the rest (unknown, someRemaining) are noise. */
const MEANINGFUL_STATES = new Set(['ok', 'low', 'empty', 'almostFull', 'full']);

function supplySnapshots(reading: Reading): Record<string, SupplySnapshot> {
  const out: Record<string, SupplySnapshot> = {};
  for (const s of reading.supplies) out[supplyKey(s)] = { level: s.levelPercent, state: s.state };
  return out;
}

export function supplyMoved(before: Record<string, SupplySnapshot>, after: Record<string, SupplySnapshot>, delta: number): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (!a || !b) return true; // a supply appeared or went away
    if ((a.level === null) !== (b.level === null)) return true;
    if (a.level !== null && b.level !== null && Math.abs(a.level - b.level) >= delta) return true;
    if (a.state !== b.state && MEANINGFUL_STATES.has(a.state) && MEANINGFUL_STATES.has(b.state)) return true;
  }
  return false;
}

/** Alert identity without prtAlertIndex, which changes when the table is rebuilt. */
function alertKeys(reading: Reading): string[] {
  const keys = reading.alerts.map((a) => [a.severity, a.code ?? '', a.group ?? '', a.groupIndex ?? '', a.location ?? '', a.description.trim()].join('|'));
  return [...new Set(keys)].sort();
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Find last-sent state for a reading: by key, else by the same serial or MAC under another key. */
function findPrevious(devices: Record<string, DeviceState>, key: string, reading: Reading): DeviceState | undefined {
  if (devices[key]) return devices[key];
  const serial = norm(reading.identity.serial).toUpperCase();
  const mac = norm(reading.identity.mac).toLowerCase();
  return Object.values(devices).find((d) =>
    (serial && norm(d.serial).toUpperCase() === serial) || (mac && norm(d.mac).toLowerCase() === mac));
}

function ordered(reasons: Set<SendReason>): SendReason[] {
  return SEND_REASONS.filter((r) => reasons.has(r));
}

export function decide(previous: SendState, readings: readonly Reading[], o: DecideOptions): Decision {
  const nowIso = o.now.toISOString();
  const now = o.now.getTime();
  const devices: Record<string, DeviceState> = structuredClone(previous.devices);
  const sends: Send[] = [];
  const unreachable: string[] = [];
  const done = new Set<string>();

  for (const reading of readings.filter((r) => r.ok)) {
    const key = deviceKey(reading);
    if (done.has(key)) continue; // the same device at two addresses: the first reading stands
    done.add(key);
    const prev = findPrevious(devices, key, reading);
    if (prev && prev.key !== key) delete devices[prev.key];
    const pages = pageCount(reading);
    const supplies = supplySnapshots(reading);
    const alerts = alertKeys(reading);
    const reasons = new Set<SendReason>();
    if (!prev || prev.missing) reasons.add('new');
    if (prev && prev.host !== reading.host) reasons.add('moved');
    if (prev) {
      if (!sameSet(prev.alerts, alerts)) reasons.add('alert');
      if (supplyMoved(prev.supplies, supplies, o.supplyDelta)) reasons.add('supply');
      if (pages !== null && (prev.pages === null || Math.abs(pages - prev.pages) >= o.pageDelta)) reasons.add('pages');
      const since = prev.lastSentAt ? now - Date.parse(prev.lastSentAt) : Infinity;
      if (reasons.size === 0 && since >= o.heartbeatMs - (o.heartbeatSlackMs ?? 0)) reasons.add('heartbeat');
    }
    const identity = {
      serial: reading.identity.serial, vendor: reading.identity.vendor,
      mac: reading.identity.mac, model: reading.identity.model,
    };
    if (reasons.size > 0) {
      const list = ordered(reasons);
      sends.push({ key, reason: list[0]!, reasons: list, reading });
      devices[key] = {
        key, host: reading.host, ...identity, lastSentAt: nowIso, lastSeenAt: nowIso, missing: false,
        pages, supplies, alerts,
      };
    } else {
      // Nothing sent: keep what the dealer last heard, so small moves add up to a send.
      devices[key] = { ...prev!, key, ...identity, lastSeenAt: nowIso };
    }
    // An address-only entry for this host is this device, now identified.
    const byAddress = `ip:${reading.host}`;
    if (byAddress !== key && devices[byAddress]) delete devices[byAddress];
  }

  for (const reading of readings.filter((r) => !r.ok)) {
    unreachable.push(reading.host);
    // The device last known at this address (most recently seen first).
    const known = Object.values(devices)
      .filter((d) => d.host === reading.host && !done.has(d.key))
      .sort((a, b) => (b.lastSeenAt ?? '').localeCompare(a.lastSeenAt ?? ''))[0];
    const key = known?.key ?? `ip:${reading.host}`;
    if (done.has(key)) continue;
    done.add(key);
    if (known?.missing) continue; // already reported
    if (known?.lastSeenAt && now - Date.parse(known.lastSeenAt) < (o.missingAfterMs ?? 0)) continue;
    const state: DeviceState = known ?? {
      key, host: reading.host, serial: null, vendor: null, mac: null, model: null,
      lastSentAt: null, lastSeenAt: null, missing: false, pages: null, supplies: {}, alerts: [],
    };
    const report: Reading = {
      ...reading,
      identity: { ...reading.identity, serial: state.serial, vendor: state.vendor, mac: state.mac, model: state.model },
    };
    sends.push({ key, reason: 'missing', reasons: ['missing'], reading: report });
    devices[key] = { ...state, lastSentAt: nowIso, missing: true };
  }

  return { sends, state: { version: 1, devices }, unreachable };
}
