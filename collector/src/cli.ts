import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CliError, collectorVersion, defaultDb, int, out, withDb, type Fmt } from './cli-kit.js';
import { configSnippet, enroll, EnrollError, rekey } from './enroll.js';
import { agentKeyBox, KeyFileError } from './agent-keys.js';
import { startCollector } from './index.js';
import { countersBackwards } from './reports/backwards.js';
import { fleet } from './reports/fleet.js';
import { columnsOf, csv, table, type Column } from './reports/format.js';
import { PeriodError } from './reports/period.js';
import { BillingError } from './billing/calendar.js';
import { registerBillingCommands } from './billing/cli.js';
import { stale } from './reports/stale.js';
import { DEFAULT_RAW_DAYS } from './retention/prune.js';
import { lowSupplies } from './reports/supplies.js';
import { openAlerts } from './reports/alerts.js';
import { registerService, toShipCommand, type CliContext } from './service-cli.js';
import { registerUserCommands } from './auth/cli.js';

export { defaultDb } from './cli-kit.js';
const ports = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean).map(int('--udp-ports', 0));

const ident = (r: { vendor: string | null; model: string | null }) => [r.vendor, r.model].filter(Boolean).join(' ');
const devId = (r: { serial: string | null; mac: string | null }) => r.serial ?? r.mac ?? '';

export function program(): Command {
  const p = new Command('amr-collector')
    .description('The dealer\'s amr collector: receives agents\' readings and shows fleet, meter reads, supplies and alerts.')
    .addOption(new Option('--db <url>', 'database: sqlite:/path/file.db or postgres://user:pass@host:port/db').env('AMR_COLLECTOR_DB').default(defaultDb()))
    .option('--key-file <file>', 'key that seals the agent keys in the database (default: beside an SQLite file; also AMR_COLLECTOR_KEY_FILE)')
    .version(collectorVersion(), '-V, --version', 'print the collector\'s version')
    .showHelpAfterError()
    .exitOverride();
  const db = () => p.opts<{ db: string }>().db;
  const keyFile = () => p.opts<{ keyFile?: string }>().keyFile;
  const svc: CliContext = { db, withDb, out, int, usage: (m) => new CliError(m) };
  const fmtOpts = (c: Command) => c.option('--json', 'JSON output').option('--csv', 'CSV output').option('--customer <code>', 'only this customer');

  p.command('serve')
    .description('Receive agents\' messages (HTTP or HTTPS, auxiliary TCP and UDP) and serve the dealer console (web pages and API, login required).')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--port <n>', 'HTTP(S) port (default 8080, or 8443 with --cert)', int('--port'))
    .option('--cert <file>', 'TLS certificate (PEM); with --key, serve HTTPS')
    .option('--key <file>', 'TLS private key (PEM)')
    .option('--tcp-port <n>', 'auxiliary TCP port, 0 turns it off', int('--tcp-port'), 5010)
    .option('--udp-ports <list>', 'emergency UDP ports, comma-separated; empty turns them off', ports, [1010, 1202])
    .option('--stale-hours <n>', 'hours without news before an agent or device is listed as not heard from', int('--stale-hours', 1), 24)
    .option('--retention-days <n>', 'days raw readings are kept by the daily retention and rollup run', int('--retention-days', 1), DEFAULT_RAW_DAYS)
    .option('--retention-hours <n>', 'hours between retention runs (one collector of several runs each)', int('--retention-hours', 1), 24)
    .option('--no-retention', 'do not run retention and rollups in this process (run amr-collector retention from cron instead)')
    .action(async (o: { host: string; port?: number; cert?: string; key?: string; tcpPort: number; udpPorts: number[]; staleHours: number; retention: boolean; retentionDays: number; retentionHours: number }) => {
      if (!!o.cert !== !!o.key) throw new CliError('give both --cert and --key for HTTPS, or neither for plain HTTP');
      let c;
      try {
        c = await startCollector({
          db: db(), host: o.host, port: o.port ?? (o.cert ? 8443 : 8080), tls: o.cert ? { cert: o.cert, key: o.key! } : undefined,
          keyFile: keyFile(), tcpPort: o.tcpPort || undefined, udpPorts: o.udpPorts, staleHours: o.staleHours, auxOptional: true,
          retention: o.retention ? { rawDays: o.retentionDays, everyMs: o.retentionHours * 3_600_000 } : false,
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${o.host}:${o.port ?? ''}: ${e.code}; choose another --port or --host`);
        if (e.code === 'ENOENT' && (o.cert || o.key)) throw new CliError(`cannot read ${e.path}: no such file`);
        throw new CliError(`cannot start: ${e.message.split('\n')[0]}`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => { void c.stop().then(resolve); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  p.command('enroll')
    .description('Create an agent key for a customer\'s PC and print the config.ini lines to put there.')
    .requiredOption('--customer <code>', 'customer code, e.g. ACME-0001')
    .option('--agent-id <id>', 'agent id (default: customer code + random suffix)')
    .option('--url <url...>', 'collector URL(s) the agent should use, in order', [])
    .option('--json', 'print {customer, agentId, key} as JSON')
    .action(async (o: { customer: string; agentId?: string; url: string[]; json?: boolean }) => {
      const urls = o.url.length ? o.url : ['https://collector.example.net'];
      for (const u of urls) if (!/^https?:\/\/[^\s]+$/.test(u)) throw new CliError(`--url "${u}" is not an http(s) URL`);
      const e = await withDb(db(), async (d) => { await agentKeyBox(d, keyFile()); return enroll(d, o.customer, o.agentId); });
      if (o.json) process.stdout.write(JSON.stringify(e, null, 2) + '\n');
      else {
        process.stdout.write(configSnippet(e, urls));
        process.stderr.write(`Enrolled agent ${e.agentId} for ${e.customer}. Put the lines above in config.ini on the customer's PC; the key is not shown again.${o.url.length ? '' : ' Replace the example URL (or pass --url).'}\n`);
      }
    });

  p.command('rekey')
    .description('Give an agent a new key (the old one stops working) and print the new config.ini lines.')
    .requiredOption('--agent-id <id>', 'the agent')
    .option('--url <url...>', 'collector URL(s) for the snippet', [])
    .action(async (o: { agentId: string; url: string[] }) => {
      const e = await withDb(db(), async (d) => { await agentKeyBox(d, keyFile()); return rekey(d, o.agentId); });
      process.stdout.write(configSnippet(e, o.url.length ? o.url : ['https://collector.example.net']));
    });

  fmtOpts(p.command('fleet').description('Customers, agents (last heard, version) and devices (identity, last reading, status). CSV: devices.'))
    .action(async (o: Fmt & { customer?: string }) => {
      const f = await withDb(db(), (d) => fleet(d, { customer: o.customer }), { existing: true });
      const devCols: Column<(typeof f.devices)[number]>[] = [
        { header: 'customer', get: (r) => r.customer }, { header: 'vendor', get: (r) => r.vendor }, { header: 'model', get: (r) => r.model },
        { header: 'serial', get: (r) => r.serial }, { header: 'mac', get: (r) => r.mac }, { header: 'ip', get: (r) => r.ip },
        { header: 'last_read_at', get: (r) => r.lastReadAt }, { header: 'total', get: (r) => r.total },
        { header: 'status', get: (r) => [r.status, ...r.errors].join(' ') }, { header: 'agent', get: (r) => r.agentId },
      ];
      if (o.json || o.csv) return out(f.devices, devCols, o, f);
      process.stdout.write('Customers\n');
      out(f.customers, [{ header: 'customer', get: (r) => r.customer }, { header: 'agents', get: (r) => r.agents }, { header: 'devices', get: (r) => r.devices }, { header: 'last_heard', get: (r) => r.lastHeardAt ?? 'never' }], o);
      process.stdout.write('\nAgents\n');
      out(f.agents, [{ header: 'agent', get: (r) => r.agentId }, { header: 'customer', get: (r) => r.customer }, { header: 'version', get: (r) => r.version }, { header: 'last_heard', get: (r) => r.lastHeardAt ?? 'never' }], o);
      process.stdout.write('\nDevices\n');
      out(f.devices, devCols, o);
    });

  registerBillingCommands(p, db, fmtOpts);

  fmtOpts(p.command('supplies').description('Low and empty supplies (and full waste receptacles), from each device\'s newest reading.'))
    .option('--below <percent>', 'also list consumables at or below this level', int('--below'), 10)
    .option('--to-ship', 'the supplies to ship: below the customer\'s level or days-to-empty threshold, not yet marked shipped (amr-collector ship)')
    .action(async (o: Fmt & { customer?: string; below: number; toShip?: boolean }) => {
      if (o.toShip) return toShipCommand(svc, o);
      const rows = await withDb(db(), (d) => lowSupplies(d, { customer: o.customer, belowPercent: o.below }), { existing: true });
      out(rows, [
        { header: 'customer', get: (r) => r.customer }, { header: 'device', get: ident }, { header: 'serial/mac', get: devId },
        { header: 'supply', get: (r) => r.description }, { header: 'color', get: (r) => r.color }, { header: 'level_%', get: (r) => r.levelPercent },
        { header: 'state', get: (r) => r.state }, { header: 'read_at', get: (r) => r.readAt },
      ], o);
    });

  fmtOpts(p.command('alerts').description('Open alerts (in each device\'s newest reading), critical first.'))
    .action(async (o: Fmt & { customer?: string }) => {
      const rows = await withDb(db(), (d) => openAlerts(d, { customer: o.customer }), { existing: true });
      out(rows, [
        { header: 'customer', get: (r) => r.customer }, { header: 'device', get: ident }, { header: 'serial/mac', get: devId },
        { header: 'severity', get: (r) => r.severity }, { header: 'alert', get: (r) => r.codeName ?? r.code }, { header: 'description', get: (r) => r.description },
        { header: 'since', get: (r) => r.since },
      ], o);
    });

  fmtOpts(p.command('stale').description('Agents and devices not heard from in N hours.'))
    .option('--hours <n>', 'hours', int('--hours', 1), 24)
    .action(async (o: Fmt & { customer?: string; hours: number }) => {
      const rows = await withDb(db(), (d) => stale(d, { customer: o.customer, hours: o.hours }), { existing: true });
      out(rows, [
        { header: 'kind', get: (r) => r.kind }, { header: 'customer', get: (r) => r.customer }, { header: 'id', get: (r) => r.id },
        { header: 'name', get: (r) => r.name }, { header: 'last_heard', get: (r) => r.lastHeardAt ?? 'never' }, { header: 'hours', get: (r) => r.hours },
      ], o);
    });

  fmtOpts(p.command('backwards').description('Counters that went backwards between two reads (board swap, reset, mixed-up devices).'))
    .option('--days <n>', 'look back this many days', int('--days', 1), 92)
    .action(async (o: Fmt & { customer?: string; days: number }) => {
      const rows = await withDb(db(), (d) => countersBackwards(d, { customer: o.customer, days: o.days }), { existing: true });
      out(rows, [
        { header: 'customer', get: (r) => r.customer }, { header: 'device', get: ident }, { header: 'serial/mac', get: devId },
        { header: 'counter', get: (r) => r.counter }, { header: 'before', get: (r) => r.before }, { header: 'before_at', get: (r) => r.beforeAt },
        { header: 'after', get: (r) => r.after }, { header: 'after_at', get: (r) => r.afterAt },
      ], o);
    });
  registerService(p, svc);
  registerUserCommands(p, { withDb: (fn) => withDb(db(), fn), fail: (m) => new CliError(m) });
  return p;
}

export async function main(argv = process.argv): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliError || err instanceof PeriodError || err instanceof EnrollError || err instanceof BillingError || err instanceof KeyFileError) {
      process.stderr.write(`amr-collector: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`amr-collector: ${(err as Error).message}\n`);
    return 1;
  }
}
