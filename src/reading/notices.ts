/**
 * prtAlertTable rows that are not problems. Printers list their state changes there too:
 * a cover closed, power on, sleep, power saver, warming up, ready. Shown as alerts they
 * bury the jam and the empty toner, and they open and close alerts at the collector all
 * day. Such rows become `Reading.notices` (kept, not alerts). Facts: RFC 3805 PrtAlertCodeTC;
 * the descriptions are what printers put in prtAlertDescription with code other(1)/unknown(2)
 * (recordings in test/fixtures/devices; English, German, French, Spanish, Italian, Dutch).
 */

/** PrtAlertCodeTC values that report a return to normal or a state change, never a fault. */
const NOTICE_CODES: ReadonlySet<number> = new Set([
  4, // coverClosed
  6, // interlockClosed
  19, // subunitClosed
  20, // subunitTurnedOn
  23, // subunitPowerSaver
  24, // subunitWarmingUp
  25, // subunitAdded
  27, // subunitResourceAdded
  502, // doorClosed
  503, // poweredUp
  505, // printerNMSReset
  506, // printerManualReset
  507, // printerReadyToPrint
  1501, // interpreterMemoryIncrease
  1503, // interpreterCartridgeAdded
  1505, // interpreterResourceAdded
  1801, // alertRemovalOfBinaryChangeEntry
]);

/** Descriptions of states, not faults, for rows whose code says nothing (other, unknown). */
const NOTICE_TEXT = new RegExp([
  'sleep', 'sleeping', 'idle', 'ready', 'power ?sav(?:e|er|ing)', 'energy ?sav(?:e|er|ing)', 'low power',
  'warming ?up', 'warm-?up', 'standby', 'online', 'calibrating', 'initiali[sz]ing', 'please wait',
  'ruhemodus', 'energiespar\\w*', 'bereit', 'aufw[aä]rm\\w*', 'veille', 'pr[eê]t', 'pr[eé]chauffage',
  'reposo', 'ahorro de energ[ií]a', 'preparado', 'calentando', 'risparmio energetico', 'pronta', 'in riscaldamento',
  'slaapstand', 'energiebesparing', 'gereed', 'opwarmen',
].map((w) => `^(?:printer |device |machine )?(?:is )?(?:in )?(?:${w})(?: mode)?\\.?$`).join('|'), 'i');

/** True when an alert row reports a state rather than a problem. */
export function isNotice(code: number | null, description: string): boolean {
  if (code !== null && NOTICE_CODES.has(code)) return true;
  return (code === null || code === 1 || code === 2) && NOTICE_TEXT.test(description.trim());
}
