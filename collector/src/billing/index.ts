/** Billing: per-customer calendars, bills (provisional, final, closed and frozen), adjustments, exports. Plain functions for CLI, web and API. */
export { BillingError, billingCalendar, billingCalendars, checkCalendar, setBillingCalendar, type CustomerCalendar } from './calendar.js';
export { billingReport, billingReports, type Adjustment, type BillingReport, type BillState } from './report.js';
export { closePeriod } from './close.js';
export { billCsv, billCsvRecords, billJson, BILL_CSV_COLUMNS } from './export.js';
export { billingPeriod, periodLabelAt, periodState, previousLabel, validTimeZone, PeriodError, type BillingCalendar, type Period } from '../reports/period.js';
