/**
 * The standard decoder: varbinds of MIB-II, Host Resources and the Printer MIB in,
 * a Reading out. Pure (no I/O), so it runs the same over a live device, a
 * recording or a test fixture. Vendor profiles refine the result afterwards.
 */
import type { Varbind } from '../snmp/types.js';
import { COL, HR_DEVICE_PRINTER, MAX_TABLE_ROWS, SYS } from './oids.js';
import {
  ALERT_CODE, ALERT_GROUP, ALERT_SEVERITY, ALERT_TRAINING, COUNTER_UNIT, ERROR_STATE_BITS, HR_DEVICE_STATUS,
  HR_PRINTER_STATUS, INPUT_TYPE, MARK_TECH, SUPPLY_CLASS, SUPPLY_TYPE, SUPPLY_UNIT,
} from './rfc3805.js';
import { levelOf } from './supply-level.js';
import { VarbindTable } from '../snmp/varbind-table.js';
import { vbMac, vbNumber, vbText } from './text.js';
import { isNotice } from './notices.js';
import { emptyReading, severityWord, type Alert, type CounterUnit, type Marker, type Reading, type Supply, type Tray } from './types.js';
import { vendorAndModel } from './vendor-model.js';
import { cleanIdentityText } from './identity-text.js';
import { cleanSerial } from './serial.js';

export interface DecodeOptions {
  /** The IPv4 address that was polled, to find the interface (and MAC) that owns it. */
  ip?: string | null;
  /** When the read finished; defaults to now. */
  readAt?: Date;
}

/** Counters at or above this are kept but flagged: no printer makes two billion pages. */
const IMPLAUSIBLE_COUNT = 2_000_000_000;
/** Rows beyond this in any table are not decoded (a garbled or hostile agent); flagged. */
const MAX_ROWS = MAX_TABLE_ROWS;

export function decodeReading(host: string, varbinds: VarbindTable | Iterable<Varbind>, options: DecodeOptions = {}): Reading {
  const t = VarbindTable.of(varbinds);
  const r = emptyReading(host);
  if (options.readAt) r.readAt = options.readAt.toISOString();
  const src = (path: string, oid: string) => { r.sources[path] = oid; };
  const charset = localizationCharset(t);

  decodeIdentity(t, r, options.ip ?? null, src, charset);
  decodeStatus(t, r, src, charset);
  decodeMarkers(t, r, src);
  decodeSupplies(t, r, src, charset);
  decodeTrays(t, r, src, charset);
  decodeAlerts(t, r, src, charset);
  return r;
}

function localizationCharset(t: VarbindTable): number | null {
  const current = t.column(COL.prtGeneralCurrentLocalization)[0];
  if (current) {
    const [index, vb] = current;
    const hrIndex = index.split('.')[0];
    const cs = vbNumber(t.cell(COL.prtLocalizationCharacterSet, `${hrIndex}.${vbNumber(vb)}`));
    if (cs !== null) return cs;
  }
  const first = t.column(COL.prtLocalizationCharacterSet)[0];
  return first ? vbNumber(first[1]) : null;
}

type Src = (path: string, oid: string) => void;

/** hrDeviceIndex of the printer device (hrDeviceType = hrDevicePrinter), if listed. */
function printerDeviceIndex(t: VarbindTable): string | null {
  for (const [index, vb] of t.column(COL.hrDeviceType)) if (vb.value === HR_DEVICE_PRINTER) return index;
  return null;
}

function decodeIdentity(t: VarbindTable, r: Reading, ip: string | null, src: Src, charset: number | null): void {
  const id = r.identity;
  const set = <K extends keyof typeof id>(key: K, value: (typeof id)[K], oid: string) => {
    if (value === null || value === undefined) return;
    id[key] = value;
    src(`identity.${key}`, oid);
  };
  set('sysDescr', vbText(t.get(SYS.descr)), SYS.descr);
  const objectId = t.get(SYS.objectID);
  set('sysObjectID', typeof objectId?.value === 'string' ? objectId.value : null, SYS.objectID);
  const ticks = vbNumber(t.get(SYS.upTime));
  set('uptimeSeconds', ticks === null ? null : Math.floor(ticks / 100), SYS.upTime);
  set('hostname', vbText(t.get(SYS.name)), SYS.name);
  set('location', vbText(t.get(SYS.location)), SYS.location);

  // Serial: prtGeneralSerialNumber of the printer device, else any row.
  const hr = printerDeviceIndex(t);
  const serials = t.column(COL.prtGeneralSerialNumber).filter(([, vb]) => cleanSerial(vbText(vb, charset)) !== null);
  const serial = serials.find(([index]) => index === hr) ?? serials[0];
  if (serial) set('serial', cleanSerial(vbText(serial[1], charset)), `${COL.prtGeneralSerialNumber}.${serial[0]}`);

  // IP and MAC: the interface that owns the polled address; else the only non-loopback address's interface.
  if (ip) id.ip = ip;
  const owners = t.column(COL.ipAdEntIfIndex);
  let owner = owners.find(([addr]) => addr === ip);
  if (!owner) {
    const lan = owners.filter(([addr]) => !addr.startsWith('127.') && addr !== '0.0.0.0');
    if (lan.length >= 1) owner = lan.find(([, vb]) => vbMac(t.cell(COL.ifPhysAddress, String(vbNumber(vb)))) !== null);
    if (owner && !ip) set('ip', owner[0], `${COL.ipAdEntIfIndex}.${owner[0]}`);
  }
  let macIf = owner ? String(vbNumber(owner[1])) : null;
  if (macIf === null || vbMac(t.cell(COL.ifPhysAddress, macIf)) === null) {
    // No address table: the first Ethernet-like interface with a real MAC.
    const ethernet = t.column(COL.ifPhysAddress).find(([index, vb]) =>
      vbMac(vb) !== null && [6, 71, 117].includes(vbNumber(t.cell(COL.ifType, index)) ?? 6));
    macIf = ethernet ? ethernet[0] : null;
  }
  if (macIf !== null) set('mac', vbMac(t.cell(COL.ifPhysAddress, macIf)), `${COL.ifPhysAddress}.${macIf}`);

  // Vendor and model from sysObjectID / sysDescr / hrDeviceDescr; vendor profiles may refine.
  const hrDescrOid = hr ? `${COL.hrDeviceDescr}.${hr}` : null;
  const hrDescr = hrDescrOid ? vbText(t.get(hrDescrOid), charset) : null;
  const found = vendorAndModel({ sysObjectID: id.sysObjectID, sysDescr: id.sysDescr, hrDeviceDescr: hrDescr });
  if (found.vendor) set('vendor', found.vendor, found.vendorFrom === 'sysObjectID' ? SYS.objectID : SYS.descr);
  if (found.model) set('model', cleanIdentityText(found.model), found.modelFrom === 'hrDeviceDescr' && hrDescrOid ? hrDescrOid : SYS.descr);
}

function decodeStatus(t: VarbindTable, r: Reading, src: Src, charset: number | null): void {
  const hr = printerDeviceIndex(t) ?? t.column(COL.hrPrinterStatus)[0]?.[0] ?? null;
  if (hr !== null) {
    const dev = vbNumber(t.cell(COL.hrDeviceStatus, hr));
    if (dev !== null) {
      r.status.device = (HR_DEVICE_STATUS[dev] as Reading['status']['device']) ?? 'unknown';
      src('status.device', `${COL.hrDeviceStatus}.${hr}`);
    }
    const prt = vbNumber(t.cell(COL.hrPrinterStatus, hr));
    if (prt !== null) {
      r.status.printer = (HR_PRINTER_STATUS[prt] as Reading['status']['printer']) ?? 'unknown';
      src('status.printer', `${COL.hrPrinterStatus}.${hr}`);
    }
    const err = t.cell(COL.hrPrinterDetectedErrorState, hr);
    if (err && Buffer.isBuffer(err.value)) {
      r.status.errors = decodeErrorState(err.value);
      src('status.errors', err.oid);
    }
  }
  for (const [index, vb] of t.column(COL.prtConsoleDisplayBufferText).slice(0, 16)) {
    const line = vbText(vb, charset);
    if (line) {
      r.status.display.push(line);
      src(`status.display.${r.status.display.length - 1}`, `${COL.prtConsoleDisplayBufferText}.${index}`);
    }
  }
}

/**
 * hrPrinterDetectedErrorState: a bit string of one or two octets, first bit most
 * significant. Blank values some agents send (empty, or ASCII spaces) mean no
 * condition, not "lowToner" or "jammed".
 */
function decodeErrorState(bytes: Buffer): string[] {
  if (bytes.length === 0 || bytes.every((b) => b === 0x20)) return [];
  const out: string[] = [];
  for (let bit = 0; bit < ERROR_STATE_BITS.length && bit < bytes.length * 8; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) out.push(ERROR_STATE_BITS[bit]!);
  }
  return out;
}

function counterUnit(code: number | null): CounterUnit | null {
  if (code === null) return null;
  const name = COUNTER_UNIT[code];
  return name === 'impressions' || name === 'sheets' ? name : 'other';
}

function decodeMarkers(t: VarbindTable, r: Reading, src: Src): void {
  const life = t.column(COL.prtMarkerLifeCount).slice(0, MAX_ROWS);
  for (const [index, vb] of life) {
    const [hr, idx] = index.split('.').map(Number);
    const unitCode = vbNumber(t.cell(COL.prtMarkerCounterUnit, index));
    const marker: Marker = {
      hrDeviceIndex: hr ?? 1,
      index: idx ?? 1,
      lifeCount: checkedCount(r, vbNumber(vb), `markers.${r.markers.length}.lifeCount`),
      powerOnCount: checkedCount(r, vbNumber(t.cell(COL.prtMarkerPowerOnCount, index)), `markers.${r.markers.length}.powerOnCount`),
      unit: counterUnit(unitCode),
      technology: MARK_TECH[vbNumber(t.cell(COL.prtMarkerMarkTech, index)) ?? -1] ?? null,
    };
    src(`markers.${r.markers.length}.lifeCount`, vb.oid);
    r.markers.push(marker);
  }
  // The total is the printer device's first marker (nearly every printer has one marker).
  const hr = Number(printerDeviceIndex(t) ?? NaN);
  const first = r.markers.find((m) => m.hrDeviceIndex === hr && m.lifeCount !== null) ?? r.markers.find((m) => m.lifeCount !== null);
  if (first) {
    const unit = first.unit ?? 'impressions';
    r.counters.total = { value: first.lifeCount!, unit: unit === 'other' ? 'other' : unit };
    src('counters.total', `${COL.prtMarkerLifeCount}.${first.hrDeviceIndex}.${first.index}`);
    if (first.unit === null) {
      r.flags.push({ code: 'counterUnitMissing', path: 'counters.total', message: 'prtMarkerCounterUnit is missing; total assumed to count impressions' });
    } else if (first.unit === 'other') {
      r.flags.push({ code: 'counterUnitUnusual', path: 'counters.total', message: 'prtMarkerLifeCount is not in impressions or sheets' });
    }
    if (r.markers.filter((m) => m.lifeCount !== null).length > 1) {
      r.flags.push({ code: 'multipleMarkers', path: 'counters.total', message: `${r.markers.length} markers report counts; total is marker ${first.hrDeviceIndex}.${first.index}` });
    }
    if (first.powerOnCount !== null) {
      r.extraCounters.powerOn = { value: first.powerOnCount, unit: r.counters.total.unit };
      src('extraCounters.powerOn', `${COL.prtMarkerPowerOnCount}.${first.hrDeviceIndex}.${first.index}`);
    }
  }
}

/** A counter that is negative is reported as missing and flagged; an implausibly large one is kept and flagged. */
function checkedCount(r: Reading, value: number | null, path: string): number | null {
  if (value === null) return null;
  if (value < 0) {
    r.flags.push({ code: 'counterNegative', path, message: `device reported a negative count (${value}); not used` });
    return null;
  }
  if (value >= IMPLAUSIBLE_COUNT) {
    r.flags.push({ code: 'counterImplausible', path, message: `device reported ${value}, more than any printer prints; check the device` });
  }
  return value;
}

function decodeSupplies(t: VarbindTable, r: Reading, src: Src, charset: number | null): void {
  const rows = new Set<string>();
  for (const col of [COL.prtMarkerSuppliesLevel, COL.prtMarkerSuppliesDescription, COL.prtMarkerSuppliesType]) {
    for (const [index] of t.column(col)) rows.add(index);
  }
  const indexes = [...rows].sort((a, b) => {
    const [a1, a2] = a.split('.').map(Number);
    const [b1, b2] = b.split('.').map(Number);
    return a1! - b1! || a2! - b2!;
  });
  if (indexes.length > MAX_ROWS) {
    r.flags.push({ code: 'tooManyRows', path: 'supplies', message: `device lists ${indexes.length} supplies; the first ${MAX_ROWS} are reported` });
  }
  for (const index of indexes.slice(0, MAX_ROWS)) {
    const [hr, idx] = index.split('.').map(Number);
    if (hr === undefined || idx === undefined) continue;
    const num = (col: string) => vbNumber(t.cell(col, index));
    const type = SUPPLY_TYPE[num(COL.prtMarkerSuppliesType) ?? 2] ?? 'unknown';
    const colorantIndex = num(COL.prtMarkerSuppliesColorantIndex);
    const color = colorantIndex ? vbText(t.cell(COL.prtMarkerColorantValue, `${hr}.${colorantIndex}`), charset) : null;
    const description = vbText(t.cell(COL.prtMarkerSuppliesDescription, index), charset) ?? type;
    const classCode = num(COL.prtMarkerSuppliesClass);
    const max = num(COL.prtMarkerSuppliesMaxCapacity);
    const level = num(COL.prtMarkerSuppliesLevel);
    const unit = SUPPLY_UNIT[num(COL.prtMarkerSuppliesSupplyUnit) ?? -1] ?? null;
    const supplyClass = (SUPPLY_CLASS[classCode ?? -1] as Supply['class'] | undefined) ?? null;
    const path = `supplies.${r.supplies.length}`;
    const { levelPercent, state, flag, cls } = levelOf({ type, supplyClass, max, level, unit });
    if (flag) r.flags.push({ code: flag.code, path, message: `${description}: ${flag.message}` });
    r.supplies.push({
      hrDeviceIndex: hr, index: idx, description, type, class: cls,
      color: color ? color.toLowerCase() : null, unit, max, level, levelPercent, state,
    });
    src(`${path}.level`, `${COL.prtMarkerSuppliesLevel}.${index}`);
    src(`${path}.max`, `${COL.prtMarkerSuppliesMaxCapacity}.${index}`);
    src(`${path}.description`, `${COL.prtMarkerSuppliesDescription}.${index}`);
  }
}

function decodeTrays(t: VarbindTable, r: Reading, src: Src, charset: number | null): void {
  const rows = new Set<string>();
  for (const col of [COL.prtInputType, COL.prtInputName, COL.prtInputCurrentLevel]) for (const [i] of t.column(col)) rows.add(i);
  for (const index of [...rows].slice(0, MAX_ROWS)) {
    const [hr, idx] = index.split('.').map(Number);
    if (hr === undefined || idx === undefined) continue;
    const num = (col: string) => vbNumber(t.cell(col, index));
    const current = num(COL.prtInputCurrentLevel);
    const max = num(COL.prtInputMaxCapacity);
    let state: Tray['state'] = 'unknown';
    if (current === -1) state = 'unrestricted';
    else if (current === -3) state = 'someRemaining';
    else if (current === 0) state = 'empty';
    else if (current !== null && current > 0) state = 'ok';
    r.trays.push({
      hrDeviceIndex: hr,
      index: idx,
      name: vbText(t.cell(COL.prtInputName, index), charset),
      type: INPUT_TYPE[num(COL.prtInputType) ?? -1] ?? null,
      media: vbText(t.cell(COL.prtInputMediaName, index), charset),
      maxCapacity: max !== null && max >= 0 ? max : null,
      currentLevel: current !== null && current >= 0 ? current : null,
      state,
    });
    src(`trays.${r.trays.length - 1}.currentLevel`, `${COL.prtInputCurrentLevel}.${index}`);
  }
}

function decodeAlerts(t: VarbindTable, r: Reading, src: Src, charset: number | null): void {
  const rows = new Set<string>();
  for (const col of [COL.prtAlertSeverityLevel, COL.prtAlertCode, COL.prtAlertDescription]) for (const [i] of t.column(col)) rows.add(i);
  for (const index of [...rows].slice(0, MAX_ROWS)) {
    const idx = Number(index.split('.').pop());
    const num = (col: string) => vbNumber(t.cell(col, index));
    const code = num(COL.prtAlertCode);
    const time = num(COL.prtAlertTime);
    const rfcSeverity = ALERT_SEVERITY[num(COL.prtAlertSeverityLevel) ?? 1] ?? 'other';
    const alert: Alert = {
      index: idx,
      severity: severityWord(rfcSeverity),
      rfcSeverity,
      trainingLevel: ALERT_TRAINING[num(COL.prtAlertTrainingLevel) ?? -1] ?? null,
      group: ALERT_GROUP[num(COL.prtAlertGroup) ?? -1] ?? null,
      groupIndex: num(COL.prtAlertGroupIndex),
      location: num(COL.prtAlertLocation),
      code,
      codeName: code === null ? null : ALERT_CODE[code] ?? null,
      description: vbText(t.cell(COL.prtAlertDescription, index), charset) ?? (code !== null ? ALERT_CODE[code] ?? `code ${code}` : ''),
      timeSeconds: time !== null && time >= 0 ? Math.floor(time / 100) : null,
    };
    if (isNotice(code, alert.description)) {
      (r.notices ??= []).push(alert);
      src(`notices.${r.notices.length - 1}`, `${COL.prtAlertCode}.${index}`);
      continue;
    }
    r.alerts.push(alert);
    src(`alerts.${r.alerts.length - 1}`, `${COL.prtAlertCode}.${index}`);
  }
}
