/**
 * Printer or not, and why. A printer implements the Printer-MIB or vendor knowledge
 * (sysObjectID, or a sysDescr naming a printer line) says it is one. Listing a printer
 * in hrDeviceTable proves nothing: Windows print servers, CUPS hosts and BMCs do that.
 */
import { recognizeVendor, type DeviceKind } from '../registry/recognize.js';
import { OID, type DeviceFacts } from './facts.js';

export interface Classification {
  printer: boolean;
  kind: DeviceKind | 'unknown';
  vendor?: string;
  brand?: string;
  model?: string;
  /** One sentence: why it was (or was not) taken for a printer. */
  reason: string;
}

/** sysDescr words of devices that scan or store documents but do not print. */
/** ...unless it also names a printer (a Ricoh MFP lists "Network Printer" and "Network Scanner"). */
const PRINTER_DESCR = /\b(?:printer|printing|copier|mfp|multifunction|laserjet|officejet)\b/i;
const SCANNER_DESCR = /\b(?:network scanner|scanner|scan station|digital sender|document server|document capture|scansnap)\b/i;

export function classify(f: DeviceFacts): Classification {
  const v = recognizeVendor({
    sysObjectID: f.sysObjectID, sysDescr: f.sysDescr, hrDeviceDescr: f.hrDeviceDescr,
    deviceId: f.deviceId, vendorModel: f.vendorModel,
  });
  const base = { vendor: v?.vendor, brand: v?.brand, model: v?.model };
  const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
  if (f.printerMibOid) {
    const kind = v?.kind === 'mfp' ? 'mfp' : 'printer';
    return strip({ printer: true, kind, ...base, reason: `implements the Printer-MIB (answers ${f.printerMibOid})` });
  }
  const listsPrinter = f.listsPrinter || f.hrDeviceType === OID.hrDevicePrinter;
  // A network scanner or document server under a printer maker's enterprise OID (HP Digital
  // Sender, Kyocera/Ricoh scan stations, document servers) prints nothing: with no Printer-MIB
  // and no hrDevicePrinter row, its own sysDescr decides over the vendor OID.
  const scanner = SCANNER_DESCR.exec(f.sysDescr ?? '');
  if (scanner && !listsPrinter && !PRINTER_DESCR.test(f.sysDescr ?? '')) {
    return strip({ printer: false, kind: 'other' as const, ...base, reason: `no Printer-MIB and no hrDevicePrinter row, and its sysDescr calls it a ${scanner[0].toLowerCase()}: a scanner or document server, not a printer` });
  }
  if (v?.kind === 'printer' || v?.kind === 'mfp') {
    return strip({ printer: true, kind: v.kind, ...base, reason: `vendor knowledge: ${v.evidence} is a ${v.kind === 'mfp' ? 'multifunction printer' : 'printer'}` });
  }
  let reason: string;
  if (listsPrinter) reason = 'lists a printer in hrDeviceTable but has no Printer-MIB and no printer sysObjectID (a print server, CUPS host or BMC)';
  else if (v?.kind) reason = `no Printer-MIB; vendor knowledge: ${v.evidence} is ${v.kind === 'network' ? 'network gear' : v.kind === 'host' ? 'a computer' : 'not a printer'}`;
  else reason = 'no Printer-MIB and no vendor knowledge says printer';
  return strip({ printer: false, kind: v?.kind ?? 'unknown', ...base, reason });
}
