/**
 * Vendor and model of a device for the Reading. Vendor knowledge lives in the
 * vendor tables (src/vendors); this adds the Printer-MIB's own clue, hrDeviceDescr.
 */
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

export function identifyDevice(clues: DeviceClues): DeviceIdentity {
  const model = clues.hrDeviceDescr ?? null;
  return { vendor: null, vendorFrom: null, model, modelFrom: model ? 'hrDeviceDescr' : null };
}
