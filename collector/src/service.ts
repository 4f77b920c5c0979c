/** The toner, notification and retention functions the console and API call (one export line in index.ts). */
export { forecastSupply, type Forecast, type LevelPoint, type ForecastOptions } from './forecast/forecast.js';
export { theilSen } from './forecast/fit.js';
export { detectChanges, cartridgeYield } from './forecast/changes.js';
export {
  suppliesToShip, suppliesToShipPages, shipCursor, encodeCursor, decodeCursor, markShipped, setThresholds, thresholds, forecasts, cartridgeChanges, findDevice, findSupply, shipCsvRecords, SHIP_CSV_COLUMNS, ShipError,
  type ShipRow, type Thresholds,
} from './forecast/ship.js';
export { addRule, listRules, removeRule, RuleError, type Rule, type NewRule } from './notify/rules.js';
export { events, acknowledge, evaluateSilence, type EventRow } from './notify/evaluate.js';
export { deliverPending, sender, webhookSignature, type SmtpSettings, type Notice } from './notify/deliver.js';
export { startNotifier, smtpFromEnv, type NotifierOptions } from './notify/notifier.js';
export { RULE_KINDS, KIND_HELP, type RuleKind } from './notify/conditions.js';
export { step as notifyStep, type EventState, type Observation } from './notify/machine.js';
export { retention, BILLING_REFERENCES, DEFAULT_RAW_DAYS, type RetentionReport } from './retention/prune.js';
export { rollup } from './retention/rollup.js';
export { deviceHistory, type DeviceHistory } from './retention/history.js';
