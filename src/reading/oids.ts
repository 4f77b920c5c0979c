/**
 * The standard OIDs amr reads: MIB-II (RFC 1213), Host Resources (RFC 2790) and the
 * Printer MIB (RFC 3805). Columns are table entry OIDs plus the column number; a
 * value's OID is the column OID followed by the row index.
 */
export const SYS = {
  descr: '1.3.6.1.2.1.1.1.0',
  objectID: '1.3.6.1.2.1.1.2.0',
  upTime: '1.3.6.1.2.1.1.3.0',
  name: '1.3.6.1.2.1.1.5.0',
  location: '1.3.6.1.2.1.1.6.0',
} as const;

export const COL = {
  ifType: '1.3.6.1.2.1.2.2.1.3',
  ifPhysAddress: '1.3.6.1.2.1.2.2.1.6',
  ipAdEntIfIndex: '1.3.6.1.2.1.4.20.1.2',
  hrDeviceType: '1.3.6.1.2.1.25.3.2.1.2',
  hrDeviceDescr: '1.3.6.1.2.1.25.3.2.1.3',
  hrDeviceStatus: '1.3.6.1.2.1.25.3.2.1.5',
  hrPrinterStatus: '1.3.6.1.2.1.25.3.5.1.1',
  hrPrinterDetectedErrorState: '1.3.6.1.2.1.25.3.5.1.2',
  prtGeneralCurrentLocalization: '1.3.6.1.2.1.43.5.1.1.2',
  prtConsoleLocalization: '1.3.6.1.2.1.43.5.1.1.10',
  prtGeneralPrinterName: '1.3.6.1.2.1.43.5.1.1.16',
  prtGeneralSerialNumber: '1.3.6.1.2.1.43.5.1.1.17',
  prtLocalizationCharacterSet: '1.3.6.1.2.1.43.7.1.1.4',
  prtInputType: '1.3.6.1.2.1.43.8.2.1.2',
  prtInputMaxCapacity: '1.3.6.1.2.1.43.8.2.1.9',
  prtInputCurrentLevel: '1.3.6.1.2.1.43.8.2.1.10',
  prtInputMediaName: '1.3.6.1.2.1.43.8.2.1.12',
  prtInputName: '1.3.6.1.2.1.43.8.2.1.13',
  prtMarkerMarkTech: '1.3.6.1.2.1.43.10.2.1.2',
  prtMarkerCounterUnit: '1.3.6.1.2.1.43.10.2.1.3',
  prtMarkerLifeCount: '1.3.6.1.2.1.43.10.2.1.4',
  prtMarkerPowerOnCount: '1.3.6.1.2.1.43.10.2.1.5',
  prtMarkerSuppliesColorantIndex: '1.3.6.1.2.1.43.11.1.1.3',
  prtMarkerSuppliesClass: '1.3.6.1.2.1.43.11.1.1.4',
  prtMarkerSuppliesType: '1.3.6.1.2.1.43.11.1.1.5',
  prtMarkerSuppliesDescription: '1.3.6.1.2.1.43.11.1.1.6',
  prtMarkerSuppliesSupplyUnit: '1.3.6.1.2.1.43.11.1.1.7',
  prtMarkerSuppliesMaxCapacity: '1.3.6.1.2.1.43.11.1.1.8',
  prtMarkerSuppliesLevel: '1.3.6.1.2.1.43.11.1.1.9',
  prtMarkerColorantValue: '1.3.6.1.2.1.43.12.1.1.4',
  prtConsoleDisplayBufferText: '1.3.6.1.2.1.43.16.5.1.2',
  prtAlertSeverityLevel: '1.3.6.1.2.1.43.18.1.1.2',
  prtAlertTrainingLevel: '1.3.6.1.2.1.43.18.1.1.3',
  prtAlertGroup: '1.3.6.1.2.1.43.18.1.1.4',
  prtAlertGroupIndex: '1.3.6.1.2.1.43.18.1.1.5',
  prtAlertLocation: '1.3.6.1.2.1.43.18.1.1.6',
  prtAlertCode: '1.3.6.1.2.1.43.18.1.1.7',
  prtAlertDescription: '1.3.6.1.2.1.43.18.1.1.8',
  prtAlertTime: '1.3.6.1.2.1.43.18.1.1.9',
} as const;

/** hrDeviceType value for a printer (RFC 2790 hrDevicePrinter). */
export const HR_DEVICE_PRINTER = '1.3.6.1.2.1.25.3.1.5';

/**
 * Rows of any table the decoder and profiles use; a walk keeps one more, so a longer table
 * is known (and flagged) without being held. A hostile agent's 10,000-row column costs no more.
 */
export const MAX_TABLE_ROWS = 1000;

/** The scalars fetched with one GET. */
export const READ_SCALARS: string[] = Object.values(SYS);

/**
 * The columns walked, grouped by table so each group is one multi-column GETBULK walk.
 * Only the columns the decoder uses: never a walk of a whole subtree.
 */
export const READ_TABLES: string[][] = [
  [COL.ifType, COL.ifPhysAddress],
  [COL.ipAdEntIfIndex],
  [COL.hrDeviceType, COL.hrDeviceDescr, COL.hrDeviceStatus],
  [COL.hrPrinterStatus, COL.hrPrinterDetectedErrorState],
  [COL.prtGeneralCurrentLocalization, COL.prtConsoleLocalization, COL.prtGeneralPrinterName, COL.prtGeneralSerialNumber],
  [COL.prtLocalizationCharacterSet],
  [COL.prtInputType, COL.prtInputMaxCapacity, COL.prtInputCurrentLevel, COL.prtInputMediaName, COL.prtInputName],
  [COL.prtMarkerMarkTech, COL.prtMarkerCounterUnit, COL.prtMarkerLifeCount, COL.prtMarkerPowerOnCount],
  [COL.prtMarkerSuppliesColorantIndex, COL.prtMarkerSuppliesClass, COL.prtMarkerSuppliesType,
    COL.prtMarkerSuppliesDescription, COL.prtMarkerSuppliesSupplyUnit, COL.prtMarkerSuppliesMaxCapacity,
    COL.prtMarkerSuppliesLevel],
  [COL.prtMarkerColorantValue],
  [COL.prtConsoleDisplayBufferText],
  [COL.prtAlertSeverityLevel, COL.prtAlertTrainingLevel, COL.prtAlertGroup, COL.prtAlertGroupIndex,
    COL.prtAlertLocation, COL.prtAlertCode, COL.prtAlertDescription, COL.prtAlertTime],
];
