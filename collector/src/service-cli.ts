/** CLI subcommands for toner forecast, shipping, notifications and retention (registered by cli.ts). */
import type { Command } from 'commander';
import type { Db } from './db/types.js';
import { csv, columnsOf, type Column } from './reports/format.js';
import { cartridgeChanges, findDevice, findSupply, forecasts, markShipped, setThresholds, shipCsvRecords, ShipError, SHIP_CSV_COLUMNS, suppliesToShip, thresholds, DEFAULT_SHIP_BELOW_PERCENT, DEFAULT_SHIP_DAYS, type ShipRow } from './forecast/ship.js';
import { KIND_HELP, RULE_KINDS } from './notify/conditions.js';
import { acknowledge, events } from './notify/evaluate.js';
import { addRule, listRules, removeRule, RuleError } from './notify/rules.js';
import { DEFAULT_RAW_DAYS, retention } from './retention/prune.js';

type Fmt = { json?: boolean; csv?: boolean };
export interface CliContext {
  db: () => string;
  withDb: <T>(url: string, fn: (db: Db) => Promise<T>) => Promise<T>;
  out: <T>(rows: T[], cols: Column<T>[], fmt: Fmt, jsonValue?: unknown) => void;
  int: (name: string, min?: number) => (v: string) => number;
  usage: (message: string) => Error;
}

const dev = (r: { vendor: string | null; model: string | null }) => [r.vendor, r.model].filter(Boolean).join(' ');
const devId = (r: { serial: string | null; mac: string | null }) => r.serial ?? r.mac ?? '';

/** Known mistakes (unknown device, bad rule) become the CLI's one-line usage error. */
function userErrors(ctx: CliContext) {
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ShipError || err instanceof RuleError || err instanceof RangeError) throw ctx.usage(err.message);
      throw err;
    }
  };
}

const SHIP_COLS: Column<ShipRow>[] = [
  { header: 'customer', get: (r) => r.customer }, { header: 'device', get: dev }, { header: 'serial/mac', get: devId }, { header: 'location', get: (r) => r.location },
  { header: 'supply', get: (r) => r.description ?? r.color ?? r.supply }, { header: 'level_%', get: (r) => r.levelPercent },
  { header: 'days_left', get: (r) => r.daysLeft }, { header: 'why', get: (r) => r.why },
];

/** `supplies --to-ship` (the option lives on cli.ts's supplies command). */
export async function toShipCommand(ctx: CliContext, o: Fmt & { customer?: string }): Promise<void> {
  const rows = await ctx.withDb(ctx.db(), (d) => suppliesToShip(d, { customer: o.customer }));
  if (o.csv) return void process.stdout.write(csv(shipCsvRecords(rows), columnsOf(SHIP_CSV_COLUMNS)));
  ctx.out(rows, SHIP_COLS, o);
}

export function registerService(p: Command, ctx: CliContext): void {
  const guard = userErrors(ctx);
  const fmt = (c: Command) => c.option('--json', 'JSON output').option('--csv', 'CSV output').option('--customer <code>', 'only this customer');

  p.command('ship')
    .description('Mark a supply shipped: it leaves "supplies --to-ship" until its next cartridge change.')
    .argument('<device>', 'serial, MAC or id of the device')
    .argument('<supply>', 'supply index, colour (black, cyan..) or part of its description')
    .option('--customer <code>', 'when a serial exists at several customers')
    .option('--by <name>', 'who shipped it (kept with the mark)')
    .action((device: string, supply: string, o: { customer?: string; by?: string }) => guard(() => ctx.withDb(ctx.db(), async (d) => {
      const dv = await findDevice(d, device, o.customer);
      const s = await findSupply(d, dv.id, supply);
      await markShipped(d, dv.id, s.idx, o.by ?? process.env.USER ?? null);
      process.stdout.write(`Marked ${s.description ?? `supply ${s.idx}`} of ${device} (${dv.customer}) shipped; it comes back after the next cartridge change.\n`);
    })));

  p.command('ship-thresholds')
    .description(`When a customer's supplies are listed to ship: at or below a level, or fewer days from empty (defaults ${DEFAULT_SHIP_BELOW_PERCENT} % and ${DEFAULT_SHIP_DAYS} days).`)
    .option('--customer <code>', 'set this customer\'s thresholds (without: list them)')
    .option('--below <percent>', 'level at or below which to ship', ctx.int('--below'))
    .option('--days <n>', 'ship when forecast empty within this many days', ctx.int('--days'))
    .action((o: { customer?: string; below?: number; days?: number }) => guard(() => ctx.withDb(ctx.db(), async (d) => {
      if (o.customer && (o.below !== undefined || o.days !== undefined)) {
        if (o.below !== undefined && o.below > 100) throw ctx.usage('--below is a percentage, 0-100');
        const t = await setThresholds(d, o.customer, { belowPercent: o.below, days: o.days });
        return void process.stdout.write(`${o.customer}: ship at or below ${t.belowPercent} % or within ${t.days} days of empty.\n`);
      }
      const all = [...(await thresholds(d)).entries()].filter(([c]) => !o.customer || c === o.customer);
      ctx.out(all, [{ header: 'customer', get: (r) => r[0] }, { header: 'below_%', get: (r) => r[1].belowPercent }, { header: 'days', get: (r) => r[1].days }], {});
      process.stdout.write(`Others: ${DEFAULT_SHIP_BELOW_PERCENT} % / ${DEFAULT_SHIP_DAYS} days.\n`);
    })));

  fmt(p.command('forecast').description('Days until each consumable is empty (method: trend, pages, empty, none; see README), soonest first.'))
    .option('--device <ref>', 'only this device (serial, MAC or id)')
    .option('--changes', 'list recorded cartridge changes (with the pages each cartridge printed) instead')
    .action((o: Fmt & { customer?: string; device?: string; changes?: boolean }) => guard(() => ctx.withDb(ctx.db(), async (d) => {
      const deviceId = o.device ? (await findDevice(d, o.device, o.customer)).id : undefined;
      if (o.changes) {
        const rows = await cartridgeChanges(d, { deviceId, customer: o.customer });
        return ctx.out(rows, [{ header: 'device_id', get: (r) => r.deviceId }, { header: 'supply', get: (r) => r.supply }, { header: 'changed_at', get: (r) => r.changedAt },
          { header: 'level_before', get: (r) => r.levelBefore }, { header: 'level_after', get: (r) => r.levelAfter }, { header: 'pages_printed', get: (r) => r.pagesPrinted }], o);
      }
      const rows = await forecasts(d, { customer: o.customer, deviceId });
      ctx.out(rows, [
        { header: 'customer', get: (r) => r.customer }, { header: 'device', get: dev }, { header: 'serial/mac', get: devId },
        { header: 'supply', get: (r) => r.description ?? r.color ?? r.supply }, { header: 'level_%', get: (r) => r.levelPercent },
        { header: 'days_left', get: (r) => r.daysLeft }, { header: 'empty_at', get: (r) => r.emptyAt?.slice(0, 10) }, { header: '%/day', get: (r) => (r.percentPerDay === null ? null : r.percentPerDay.toFixed(2)) },
        { header: 'method', get: (r) => r.method ?? 'none' }, { header: 'points', get: (r) => r.points },
      ], o);
    })));

  const n = p.command('notify').description('Notification rules (e-mail, signed webhook), events and acknowledgements.');
  n.command('kinds').description('What each rule kind watches.').action(() => {
    for (const k of RULE_KINDS) process.stdout.write(`${k.padEnd(18)} ${KIND_HELP[k]}\n`);
  });
  n.command('add')
    .description('Add a rule: notify an e-mail address or a webhook URL when a condition starts and when it clears.')
    .requiredOption('--kind <kind>', `one of ${RULE_KINDS.join(', ')}`)
    .option('--email <address>', 'send e-mail (SMTP from AMR_COLLECTOR_SMTP_URL)')
    .option('--webhook <url>', 'POST JSON signed with HMAC-SHA256 (the secret is printed once)')
    .option('--threshold <n>', 'percent, days or hours, depending on the kind (notify kinds)', (v) => {
      if (!/^\d+(\.\d+)?$/.test(v)) throw ctx.usage(`--threshold "${v}" is not a number`);
      return Number(v);
    })
    .option('--customer <code>', 'only this customer\'s devices and agents')
    .option('--name <text>', 'a name shown in notifications')
    .action((o: { kind: string; email?: string; webhook?: string; threshold?: number; customer?: string; name?: string }) => guard(() => ctx.withDb(ctx.db(), async (d) => {
      const r = await addRule(d, o);
      process.stdout.write(`Rule ${r.id} added: ${r.kind}${r.threshold !== null ? ` (threshold ${r.threshold})` : ''} -> ${r.channel} ${r.target}${r.customer ? ` for ${r.customer}` : ''}\n`);
      if (r.secret) process.stdout.write(`Webhook secret (shown once; verify X-AMR-Signature = sha256=HMAC(secret, X-AMR-Timestamp + "." + body)): ${r.secret}\n`);
    })));
  n.command('list').description('The rules.').option('--json', 'JSON output').action((o: Fmt) => ctx.withDb(ctx.db(), async (d) => {
    const rules = (await listRules(d)).map(({ secret: _s, ...r }) => r);
    ctx.out(rules, [{ header: 'id', get: (r) => r.id }, { header: 'name', get: (r) => r.name }, { header: 'kind', get: (r) => r.kind }, { header: 'threshold', get: (r) => r.threshold },
      { header: 'customer', get: (r) => r.customer ?? 'all' }, { header: 'channel', get: (r) => r.channel }, { header: 'target', get: (r) => r.target }, { header: 'enabled', get: (r) => r.enabled }], o);
  }));
  n.command('remove').description('Turn a rule off (its events stay on record).').argument('<id>', 'rule id', ctx.int('rule id', 1))
    .action((id: number) => guard(() => ctx.withDb(ctx.db(), async (d) => {
      await removeRule(d, id);
      process.stdout.write(`Rule ${id} turned off.\n`);
    })));
  fmt(n.command('events').description('Notification events, newest first: open ones and cleared ones, acknowledged or not.'))
    .option('--open', 'only open events')
    .action((o: Fmt & { customer?: string; open?: boolean }) => ctx.withDb(ctx.db(), async (d) => {
      const rows = await events(d, { open: o.open, customer: o.customer });
      ctx.out(rows, [
        { header: 'id', get: (r) => r.id }, { header: 'state', get: (r) => r.state }, { header: 'kind', get: (r) => r.kind }, { header: 'customer', get: (r) => r.customer },
        { header: 'device', get: (r) => r.serial ?? r.model ?? (r.agentId && r.deviceId === null ? `agent ${r.agentId}` : r.deviceId) }, { header: 'detail', get: (r) => r.detail },
        { header: 'opened_at', get: (r) => r.openedAt }, { header: 'cleared_at', get: (r) => r.clearedAt }, { header: 'acked', get: (r) => (r.ackedAt ? `${r.ackedBy ?? ''} ${r.ackedAt}`.trim() : '') },
      ], o);
    }));
  n.command('ack').description('Acknowledge an event (a technician has it in hand).').argument('<id>', 'event id', ctx.int('event id', 1))
    .option('--by <name>', 'who acknowledges')
    .action((id: number, o: { by?: string }) => ctx.withDb(ctx.db(), async (d) => {
      const exists = await d.get('SELECT id, acked_at FROM notify_events WHERE id = ?', [id]);
      if (!exists) throw ctx.usage(`no event ${id}: see amr-collector notify events`);
      const done = await acknowledge(d, id, o.by ?? process.env.USER ?? null);
      process.stdout.write(done ? `Event ${id} acknowledged.\n` : `Event ${id} was already acknowledged (${String(exists.acked_at)}).\n`);
    }));

  p.command('retention')
    .description('Roll up raw readings into daily and monthly figures (kept for ever) and delete raw readings older than the window; billing reads are kept.')
    .option('--days <n>', `raw readings kept this many days (default ${DEFAULT_RAW_DAYS})`, ctx.int('--days', 1), DEFAULT_RAW_DAYS)
    .option('--dry-run', 'only count what would be deleted')
    .option('--json', 'JSON output')
    .action((o: { days: number; dryRun?: boolean; json?: boolean }) => guard(() => ctx.withDb(ctx.db(), async (d) => {
      const r = await retention(d, { rawDays: o.days, dryRun: o.dryRun });
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      process.stdout.write(`${r.dryRun ? 'Would delete' : 'Deleted'} raw data before ${r.cutoff}: ${r.readings} readings, ${r.counters} counter values, ${r.supplyLevels} supply levels, ${r.messages} message ids` +
        `${r.protectedReadings ? `; kept ${r.protectedReadings} billing reads` : ''}.${r.rolledFrom && !r.dryRun ? ` Rolled up ${r.rolledFrom} .. ${r.rolledTo}.` : ''}\n`);
    })));
}
