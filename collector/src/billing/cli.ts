/** amr-collector meters, export, bill, close, customer: meter reads and bills from the command line. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, int, out, withDb, type Fmt } from '../cli-kit.js';
import { columnsOf, csv, type Column } from '../reports/format.js';
import { meterCsvRecords, meters, METER_CSV_COLUMNS, type MeterRow } from '../reports/meters.js';
import { billingPeriod, parsePeriod, periodLabelAt, previousLabel } from '../reports/period.js';
import { billingCalendars, setBillingCalendar } from './calendar.js';
import { closePeriod } from './close.js';
import { billCsv, billJson } from './export.js';
import { billingReports, type BillingReport } from './report.js';

type MeterOpts = Fmt & { customer?: string; period?: string; from?: string; to?: string; tolerance: number; counter?: string[]; out?: string };

const ident = (r: { vendor: string | null; model: string | null }) => [r.vendor, r.model].filter(Boolean).join(' ');
const devId = (r: { serial: string | null; mac: string | null }) => r.serial ?? r.mac ?? '';
/** A value as the table shows it: * estimated, ~ a read inside the period far from its edge. */
const edge = (e: { value: number | null; source: string }) => (e.value === null ? '' : e.source === 'read' ? String(e.value) : e.source === 'partial' ? `${e.value}~` : `${e.value}*`);

const ROW_COLUMNS: Column<MeterRow>[] = [
  { header: 'customer', get: (r) => r.customer }, { header: 'device', get: ident }, { header: 'serial/mac', get: devId },
  { header: 'counter', get: (r) => r.counter }, { header: 'start', get: (r) => edge(r.start) }, { header: 'end', get: (r) => edge(r.end) },
  { header: 'pages', get: (r) => r.pages ?? '' },
  { header: 'status', get: (r) => (r.status === 'estimated' ? `estimated (${[r.start, r.end].filter((e) => e.estimated).map((e) => e.source).join(', ')})` : r.status) },
];

const LEGEND = '* = estimated (interpolated, or extrapolated from reads at most 7 days away); ~ = partial (a read inside the period, far from its edge: pages counted from/to it only).';

function write(text: string, file: string | undefined, what: string): void {
  if (!file) return void process.stdout.write(text);
  writeFileSync(file, text, { mode: 0o600 });
  process.stderr.write(`Wrote ${what} to ${file}\n`);
}

export function registerBillingCommands(p: Command, db: () => string, fmtOpts: (c: Command) => Command): void {
  const meterCmd = (name: string, desc: string) => fmtOpts(p.command(name).description(desc))
    .option('--period <YYYY-MM>', 'billing period: from each customer\'s billing day in its time zone (default: the last ended period)')
    .option('--from <date>', 'period start (date or ISO time), instead of --period')
    .option('--to <date>', 'period end, exclusive')
    .option('--tolerance <hours>', 'a read this close to a period edge counts as the edge read', int('--tolerance'), 24)
    .option('--counter <key...>', 'only these counters, e.g. total mono color');

  /** Rows of every customer's bill for --period (closed bills as frozen), or plain meter reads for --from/--to. */
  const runMeters = (o: MeterOpts) => withDb(db(), async (d): Promise<{ rows: MeterRow[]; periods: string[]; provisional: boolean }> => {
    const opts = { customer: o.customer, toleranceHours: o.tolerance, counters: o.counter };
    if (o.from || o.to) {
      const rep = await meters(d, parsePeriod(o), opts);
      return { rows: rep.rows, periods: [`${rep.from} .. ${rep.to}`], provisional: rep.provisional };
    }
    const label = o.period ?? previousLabel(periodLabelAt(Date.now()));
    billingPeriod(label); // a valid month; whether it has begun is each customer's own calendar
    const reps = await billingReports(d, label, opts);
    const wanted = o.counter?.length ? new Set(o.counter) : null;
    return {
      rows: reps.flatMap((r) => r.rows.filter((x) => !wanted || wanted.has(x.counter) || x.counter === '')),
      periods: reps.map((r) => `${r.customer} ${r.from} .. ${r.to} (${r.state})`),
      provisional: reps.some((r) => r.state === 'provisional'),
    };
  }, { existing: true });

  meterCmd('meters', 'Meter reads for a billing period: start and end counters and pages per device and counter; estimates marked; "no data" where nothing was read.')
    .action(async (o: MeterOpts) => {
      const rep = await runMeters(o);
      if (o.csv) return void process.stdout.write(csv(meterCsvRecords({ from: '', to: '', toleranceHours: o.tolerance, provisional: rep.provisional, rows: rep.rows }), columnsOf(METER_CSV_COLUMNS)));
      out(rep.rows, ROW_COLUMNS, o, rep);
      if (!o.json) {
        process.stdout.write(`Period ${rep.periods.join('; ')}.\n${LEGEND}\n`);
        if (rep.provisional) process.stdout.write('PROVISIONAL: the period has not ended; end values are the latest reads so far.\n');
      }
    });
  meterCmd('export', 'CSV of meter reads for ERP import (same columns as meters --csv).')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (o: MeterOpts) => {
      const rep = await runMeters(o);
      const text = csv(meterCsvRecords({ from: '', to: '', toleranceHours: o.tolerance, provisional: rep.provisional, rows: rep.rows }), columnsOf(METER_CSV_COLUMNS));
      write(text, o.out, `${rep.rows.length} meter reads`);
    });

  const customer = p.command('customer').description('Customers\' billing calendars: billing day and time zone.');
  customer.command('set <code>')
    .description('Set a customer\'s billing day (1-28) and/or time zone (IANA name); bills already closed keep theirs.')
    .option('--billing-day <n>', 'day of the month the billing period starts', int('--billing-day', 1))
    .option('--time-zone <zone>', 'e.g. Europe/Oslo, America/New_York, UTC')
    .action(async (code: string, o: { billingDay?: number; timeZone?: string }) => {
      if (o.billingDay === undefined && o.timeZone === undefined) throw new CliError('give --billing-day and/or --time-zone');
      const c = await withDb(db(), (d) => setBillingCalendar(d, code, o), { existing: true });
      process.stdout.write(`${c.customer}: billing day ${c.billingDay}, time zone ${c.timeZone}\n`);
    });
  customer.command('list').description('Customers with their billing day and time zone.').option('--json', 'JSON output')
    .action(async (o: Fmt) => {
      const rows = await withDb(db(), (d) => billingCalendars(d), { existing: true });
      out(rows, [{ header: 'customer', get: (r) => r.customer }, { header: 'billing_day', get: (r) => r.billingDay }, { header: 'time_zone', get: (r) => r.timeZone }], o);
    });

  const billOut = (reps: BillingReport[], o: Fmt & { out?: string }) => {
    if (o.json) return write(billJson(reps), o.out, `${reps.length} bill(s)`);
    if (o.csv || o.out) return write(billCsv(reps), o.out, `${reps.length} bill(s)`);
    for (const r of reps) {
      process.stdout.write(`${r.customer} ${r.period}: ${r.from} .. ${r.to} (billing day ${r.billingDay}, ${r.timeZone}) ${r.state.toUpperCase()}${r.closedAt ? ` at ${r.closedAt}` : ''}\n`);
      out(r.rows, ROW_COLUMNS, {});
      if (r.adjustments.length) {
        process.stdout.write(`Adjustments to ${r.adjustments[0]!.forPeriod} (later readings):\n`);
        out(r.adjustments, [
          { header: 'serial/mac', get: devId }, { header: 'counter', get: (a) => a.counter }, { header: 'billed', get: (a) => a.billedPages ?? 'no data' },
          { header: 'now', get: (a) => a.pagesNow ?? 'no data' }, { header: 'difference', get: (a) => a.difference ?? '' },
          { header: 'in_this_period', get: (a) => (a.included ? 'yes' : 'no') },
        ], {});
      }
      if (r.lateChanges.length) process.stdout.write(`${r.lateChanges.length} line(s) would differ from later readings; they show as adjustments on the next period.\n`);
      if (r.state === 'provisional') process.stdout.write('PROVISIONAL: the period has not ended; end values are the latest reads so far.\n');
    }
    process.stdout.write(`${LEGEND}\n`);
  };

  p.command('bill')
    .description('A customer\'s bill for a period (provisional while open, final once ended, frozen once closed), with adjustments to the closed period before.')
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .option('--customer <code>', 'only this customer (default: all)')
    .option('--json', 'JSON output').option('--csv', 'CSV output').option('--out <file>', 'write the CSV (or --json) to this file')
    .action(async (o: Fmt & { period: string; customer?: string; out?: string }) => {
      const reps = await withDb(db(), (d) => billingReports(d, o.period, { customer: o.customer }), { existing: true });
      billOut(reps, o);
    });

  p.command('close')
    .description('Close an ended billing period: store the bill; later readings never change it (they show as adjustments next period).')
    .requiredOption('--customer <code>', 'customer')
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .option('--json', 'print the stored bill as JSON')
    .action(async (o: { customer: string; period: string; json?: boolean }) => {
      const rep = await withDb(db(), (d) => closePeriod(d, o.customer, o.period, { by: process.env.USER }), { existing: true });
      if (o.json) return void process.stdout.write(billJson([rep]));
      process.stderr.write(`Closed ${rep.customer} ${rep.period} (${rep.rows.length} lines, ${rep.adjustments.length} adjustments).\n`);
      billOut([rep], {});
    });
}
