/**
 * Vendor and model of a device for the Reading. Vendor knowledge lives in the
 * vendor registry (registry/<family>/vendor.json); this only decides which clue a value came from.
 */
import { recognizeVendor } from '../registry/recognize.js';

export interface DeviceClues {
  sysObjectID: string | null;
  sysDescr: string | null;
  hrDeviceDescr: string | null;
}

export interface DeviceIdentity {
  vendor: string | null;
  vendorFrom: 'sysObjectID' | 'sysDescr' | null;
  model: string | null;
  modelFrom: 'sysDescr' | 'hrDeviceDescr' | null;
}

export function vendorAndModel(clues: DeviceClues): DeviceIdentity {
  const match = recognizeVendor(clues);
  const model = match?.model ?? clues.hrDeviceDescr ?? null;
  const modelFrom = model === null ? null
    : clues.hrDeviceDescr && clues.hrDeviceDescr.includes(model) ? 'hrDeviceDescr' : 'sysDescr';
  return {
    vendor: match ? match.brand ?? match.vendor : null,
    vendorFrom: match?.by ?? null,
    model,
    modelFrom,
  };
}
