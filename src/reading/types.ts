/**
 * The Reading: everything amr reports about one device at one moment. It is the
 * output of `amr read --json`, the unit the spool and the protocol carry, and what
 * vendor profiles and web scrapers add to. Documented field by field in README.md.
 */

/** Billing counter keys (README "Counters"). Vendor extras go to `Reading.extraCounters`. */
export const COUNTER_KEYS = [
  'total', 'mono', 'color',
  'print', 'printMono', 'printColor',
  'copy', 'copyMono', 'copyColor',
  'fax', 'scan', 'duplex', 'large', 'small',
  // By paper size (large = A3/ledger and up, small = A4/letter and below): dealers bill A3 at another rate.
  'largeMono', 'largeColor', 'smallMono', 'smallColor',
  'printLarge', 'printSmall', 'copyLarge', 'copySmall',
] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];

/** impressions (RFC 3805 unit 7) count sides, sheets (unit 8) count paper; others as named. */
export type CounterUnit = 'impressions' | 'sheets' | 'pages' | 'scans' | 'other';

export interface Counter {
  value: number;
  unit: CounterUnit;
}

export interface Identity {
  ip: string | null;
  /** ifPhysAddress of the interface owning the polled IP, aa:bb:cc:dd:ee:ff; never all zeros. */
  mac: string | null;
  serial: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  hostname: string | null;
  location: string | null;
  sysObjectID: string | null;
  sysDescr: string | null;
  /** sysUpTime in seconds. */
  uptimeSeconds: number | null;
}

export type DeviceStatus = 'unknown' | 'running' | 'warning' | 'testing' | 'down';
export type PrinterStatus = 'other' | 'unknown' | 'idle' | 'printing' | 'warmup';

export interface Status {
  device: DeviceStatus | null;
  printer: PrinterStatus | null;
  /** hrPrinterDetectedErrorState decoded into named conditions, e.g. "lowToner", "jammed". */
  errors: string[];
  /** Front-panel display lines (prtConsoleDisplayBufferText). */
  display: string[];
}

export interface Marker {
  hrDeviceIndex: number;
  index: number;
  /** prtMarkerLifeCount */
  lifeCount: number | null;
  /** prtMarkerPowerOnCount */
  powerOnCount: number | null;
  unit: CounterUnit | null;
  technology: string | null;
}

export type SupplyClass = 'consumed' | 'receptacle' | 'other';
/**
 * ok/low/empty for consumed supplies; ok/almostFull/full for receptacles;
 * 'someRemaining' (-3), 'unknown' (-2), 'unrestricted' (-1) are RFC 3805 states with no percentage.
 */
export type SupplyState = 'ok' | 'low' | 'empty' | 'almostFull' | 'full' | 'someRemaining' | 'unknown' | 'unrestricted';

export interface Supply {
  hrDeviceIndex: number;
  index: number;
  description: string;
  /** RFC 3805 PrtMarkerSuppliesTypeTC name, e.g. "toner", "wasteToner", "drum". */
  type: string;
  class: SupplyClass;
  /** Colorant value from prtMarkerColorantTable, e.g. "black", "cyan"; null when not given. */
  color: string | null;
  /** RFC 3805 PrtMarkerSuppliesSupplyUnitTC name, e.g. "percent", "impressions", "tenThousandthsOfInches". */
  unit: string | null;
  /** Raw prtMarkerSuppliesMaxCapacity and prtMarkerSuppliesLevel. */
  max: number | null;
  level: number | null;
  /** 0-100: how much is left for consumed supplies, how full for receptacles; null when not known. */
  levelPercent: number | null;
  state: SupplyState;
}

export interface Tray {
  hrDeviceIndex: number;
  index: number;
  name: string | null;
  type: string | null;
  /** Media size as the device states it (e.g. "A4", "na-letter") when it does. */
  media: string | null;
  maxCapacity: number | null;
  /** Sheets left; -3 means "some remaining" per RFC 3805 and is reported as state. */
  currentLevel: number | null;
  state: 'ok' | 'empty' | 'someRemaining' | 'unknown' | 'unrestricted';
}

/** RFC 3805 PrtAlertSeverityLevelTC names. */
export type RfcAlertSeverity = 'other' | 'critical' | 'warning' | 'warningBinaryChangeEvent';
/** What a technician reads: critical, warning, or info (RFC "other"). */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** The severity word for an RFC 3805 severity name. */
export function severityWord(rfc: string): AlertSeverity {
  return rfc === 'critical' ? 'critical' : rfc.startsWith('warning') ? 'warning' : 'info';
}

export interface Alert {
  index: number;
  severity: AlertSeverity | string;
  /** The RFC 3805 severity name as the device gave it. */
  rfcSeverity?: RfcAlertSeverity | string;
  trainingLevel: string | null;
  group: string | null;
  groupIndex: number | null;
  location: number | null;
  /** prtAlertCode as a number and its RFC 3805 name. */
  code: number | null;
  codeName: string | null;
  description: string;
  /** prtAlertTime (sysUpTime ticks at the alert) converted to seconds since boot. */
  timeSeconds: number | null;
}

/** A value that looks wrong: reported, never silently dropped or "fixed". */
export interface Flag {
  code: string;
  message: string;
  /** The Reading path the flag is about, e.g. "counters.color". */
  path?: string;
}

export interface Reading {
  schema: 1;
  /** The address or name that was polled, as given. */
  host: string;
  /** ISO 8601 time the read finished. */
  readAt: string;
  /** false when the device could not be read at all; `error` says why. */
  ok: boolean;
  error?: string;
  identity: Identity;
  status: Status;
  counters: Partial<Record<CounterKey, Counter>>;
  /** Vendor counters without a standard key, kept by their vendor name. */
  extraCounters: Record<string, Counter>;
  markers: Marker[];
  supplies: Supply[];
  trays: Tray[];
  alerts: Alert[];
  /** prtAlertTable rows that report a state, not a problem (sleep, power saver, warming up, cover closed). */
  notices?: Alert[];
  flags: Flag[];
  /** Name of the vendor profile that matched, if any. */
  profile: string | null;
  /** Where each value came from: Reading path -> OID (or "web:URL selector"), for --explain. */
  sources: Record<string, string>;
}

export function emptyReading(host: string): Reading {
  return {
    schema: 1,
    host,
    readAt: new Date().toISOString(),
    ok: true,
    identity: {
      ip: null, mac: null, serial: null, vendor: null, model: null, firmware: null,
      hostname: null, location: null, sysObjectID: null, sysDescr: null, uptimeSeconds: null,
    },
    status: { device: null, printer: null, errors: [], display: [] },
    counters: {},
    extraCounters: {},
    markers: [],
    supplies: [],
    trays: [],
    alerts: [],
    flags: [],
    profile: null,
    sources: {},
  };
}
