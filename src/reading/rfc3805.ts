/**
 * Names for the enumerations of the Printer MIB (RFC 3805, IANA-PRINTER-MIB) and
 * Host Resources MIB (RFC 2790) that a Reading reports. Data only.
 */
type Names = Record<number, string>;

export const HR_DEVICE_STATUS: Names = { 1: 'unknown', 2: 'running', 3: 'warning', 4: 'testing', 5: 'down' };
export const HR_PRINTER_STATUS: Names = { 1: 'other', 2: 'unknown', 3: 'idle', 4: 'printing', 5: 'warmup' };

/** hrPrinterDetectedErrorState bits, most significant bit of the first octet first (RFC 3805 section 2.2.13.2 update). */
export const ERROR_STATE_BITS: readonly string[] = [
  'lowPaper', 'noPaper', 'lowToner', 'noToner', 'doorOpen', 'jammed', 'offline', 'serviceRequested',
  'inputTrayMissing', 'outputTrayMissing', 'markerSupplyMissing', 'outputNearFull', 'outputFull',
  'inputTrayEmpty', 'overduePreventMaint',
];

export const COUNTER_UNIT: Names = {
  3: 'tenThousandthsOfInches', 4: 'micrometers', 5: 'characters', 6: 'lines', 7: 'impressions', 8: 'sheets',
  9: 'dotRow', 11: 'hours', 16: 'feet', 17: 'meters',
};

export const MARK_TECH: Names = {
  1: 'other', 2: 'unknown', 3: 'electrophotographicLED', 4: 'electrophotographicLaser', 5: 'electrophotographicOther',
  6: 'impactMovingHeadDotMatrix9pin', 7: 'impactMovingHeadDotMatrix24pin', 8: 'impactMovingHeadDotMatrixOther',
  9: 'impactMovingHeadFullyFormed', 10: 'impactBand', 11: 'impactOther', 12: 'inkjetAqueous', 13: 'inkjetSolid',
  14: 'inkjetOther', 15: 'pen', 16: 'thermalTransfer', 17: 'thermalSensitive', 18: 'thermalDiffusion',
  19: 'thermalOther', 20: 'electroerosion', 21: 'electrostatic', 22: 'photographicMicrofiche',
  23: 'photographicImagesetter', 24: 'photographicOther', 25: 'ionDeposition', 26: 'eBeam', 27: 'typesetter',
};

export const SUPPLY_CLASS: Names = { 1: 'other', 3: 'consumed', 4: 'receptacle' };

export const SUPPLY_TYPE: Names = {
  1: 'other', 2: 'unknown', 3: 'toner', 4: 'wasteToner', 5: 'ink', 6: 'inkCartridge', 7: 'inkRibbon',
  8: 'wasteInk', 9: 'opc', 10: 'developer', 11: 'fuserOil', 12: 'solidWax', 13: 'ribbonWax', 14: 'wasteWax',
  15: 'fuser', 16: 'coronaWire', 17: 'fuserOilWick', 18: 'cleanerUnit', 19: 'fuserCleaningPad',
  20: 'transferUnit', 21: 'tonerCartridge', 22: 'fuserOiler', 23: 'water', 24: 'wasteWater',
  25: 'glueWaterAdditive', 26: 'wastePaper', 27: 'bindingSupply', 28: 'bandingSupply', 29: 'stitchingWire',
  30: 'shrinkWrap', 31: 'paperWrap', 32: 'staples', 33: 'inserts', 34: 'covers', 35: 'matteToner', 36: 'matteInk',
};

/** Supply types that are receptacles even when a device leaves prtMarkerSuppliesClass out. */
export const RECEPTACLE_TYPES = new Set(['wasteToner', 'wasteInk', 'wasteWax', 'wasteWater', 'wastePaper']);

export const SUPPLY_UNIT: Names = {
  1: 'other', 2: 'unknown', 3: 'tenThousandthsOfInches', 4: 'micrometers', 7: 'impressions', 8: 'sheets',
  11: 'hours', 12: 'thousandthsOfOunces', 13: 'tenthsOfGrams', 14: 'hundrethsOfFluidOunces',
  15: 'tenthsOfMilliliters', 16: 'feet', 17: 'meters', 18: 'items', 19: 'percent',
};

export const INPUT_TYPE: Names = {
  1: 'other', 2: 'unknown', 3: 'sheetFeedAutoRemovableTray', 4: 'sheetFeedAutoNonRemovableTray',
  5: 'sheetFeedManual', 6: 'continuousRoll', 7: 'continuousFanFold',
};

export const ALERT_SEVERITY: Names = { 1: 'other', 3: 'critical', 4: 'warning', 5: 'warningBinaryChangeEvent' };

export const ALERT_TRAINING: Names = {
  1: 'other', 2: 'unknown', 3: 'untrained', 4: 'trained', 5: 'fieldService', 6: 'management', 7: 'noInterventionRequired',
};

export const ALERT_GROUP: Names = {
  1: 'other', 3: 'hostResourcesMIBStorageTable', 4: 'hostResourcesMIBDeviceTable', 5: 'generalPrinter',
  6: 'cover', 7: 'localization', 8: 'input', 9: 'output', 10: 'marker', 11: 'markerSupplies',
  12: 'markerColorant', 13: 'mediaPath', 14: 'channel', 15: 'interpreter', 16: 'consoleDisplayBuffer',
  17: 'consoleLights', 18: 'alert', 30: 'finDevice', 31: 'finSupply', 32: 'finSupplyMediaInput', 33: 'finAttribute',
};

export const ALERT_CODE: Names = {
  1: 'other', 2: 'unknown', 3: 'coverOpen', 4: 'coverClosed', 5: 'interlockOpen', 6: 'interlockClosed',
  7: 'configurationChange', 8: 'jam', 9: 'subunitMissing', 10: 'subunitLifeAlmostOver', 11: 'subunitLifeOver',
  12: 'subunitAlmostEmpty', 13: 'subunitEmpty', 14: 'subunitAlmostFull', 15: 'subunitFull',
  16: 'subunitNearLimit', 17: 'subunitAtLimit', 18: 'subunitOpened', 19: 'subunitClosed', 20: 'subunitTurnedOn',
  21: 'subunitTurnedOff', 22: 'subunitOffline', 23: 'subunitPowerSaver', 24: 'subunitWarmingUp',
  25: 'subunitAdded', 26: 'subunitRemoved', 27: 'subunitResourceAdded', 28: 'subunitResourceRemoved',
  29: 'subunitRecoverableFailure', 30: 'subunitUnrecoverableFailure', 31: 'subunitRecoverableStorageError',
  32: 'subunitUnrecoverableStorageError', 33: 'subunitMotorFailure', 34: 'subunitMemoryExhausted',
  35: 'subunitUnderTemperature', 36: 'subunitOverTemperature', 37: 'subunitTimingFailure',
  38: 'subunitThermistorFailure', 501: 'doorOpen', 502: 'doorClosed', 503: 'poweredUp', 504: 'poweredDown',
  505: 'printerNMSReset', 506: 'printerManualReset', 507: 'printerReadyToPrint', 801: 'inputMediaTrayMissing',
  802: 'inputMediaSizeChange', 803: 'inputMediaWeightChange', 804: 'inputMediaTypeChange',
  805: 'inputMediaColorChange', 806: 'inputMediaFormPartsChange', 807: 'inputMediaSupplyLow',
  808: 'inputMediaSupplyEmpty', 809: 'inputMediaChangeRequest', 810: 'inputManualInputRequest',
  811: 'inputTrayPositionFailure', 812: 'inputTrayElevationFailure', 813: 'inputCannotFeedSizeSelected',
  901: 'outputMediaTrayMissing', 902: 'outputMediaTrayAlmostFull', 903: 'outputMediaTrayFull',
  904: 'outputMailboxSelectFailure', 1001: 'markerFuserUnderTemperature', 1002: 'markerFuserOverTemperature',
  1003: 'markerFuserTimingFailure', 1004: 'markerFuserThermistorFailure', 1005: 'markerAdjustingPrintQuality',
  1101: 'markerTonerEmpty', 1102: 'markerInkEmpty', 1103: 'markerPrintRibbonEmpty',
  1104: 'markerTonerAlmostEmpty', 1105: 'markerInkAlmostEmpty', 1106: 'markerPrintRibbonAlmostEmpty',
  1107: 'markerWasteTonerReceptacleAlmostFull', 1108: 'markerWasteInkReceptacleAlmostFull',
  1109: 'markerWasteTonerReceptacleFull', 1110: 'markerWasteInkReceptacleFull', 1111: 'markerOpcLifeAlmostOver',
  1112: 'markerOpcLifeOver', 1113: 'markerDeveloperAlmostEmpty', 1114: 'markerDeveloperEmpty',
  1115: 'markerTonerCartridgeMissing', 1301: 'mediaPathMediaTrayMissing', 1302: 'mediaPathMediaTrayAlmostFull',
  1303: 'mediaPathMediaTrayFull', 1304: 'mediaPathCannotDuplexMediaSelected', 1501: 'interpreterMemoryIncrease',
  1502: 'interpreterMemoryDecrease', 1503: 'interpreterCartridgeAdded', 1504: 'interpreterCartridgeDeleted',
  1505: 'interpreterResourceAdded', 1506: 'interpreterResourceDeleted', 1507: 'interpreterResourceUnavailable',
  1509: 'interpreterComplexPageEncountered', 1801: 'alertRemovalOfBinaryChangeEntry',
};

/** IANA MIBenum character sets (prtLocalizationCharacterSet) that are not ASCII-compatible. */
export const UTF16_CHARSETS: Record<number, 'utf16be' | 'utf16le'> = {
  1000: 'utf16be', // ISO-10646-UCS-2
  1013: 'utf16be', // UTF-16BE
  1014: 'utf16le', // UTF-16LE
  1015: 'utf16be', // UTF-16 (big-endian unless a BOM says otherwise)
};
