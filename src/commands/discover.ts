/** `amr discover`: find the printers on the network and keep the inventory. Thin: parse, run, print. */
import { inert, inertJson } from '../inert.js';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../config/duration.js';
import { UserError } from '../errors.js';

interface Opts {
  config?: string;
  exclude: string[];
  port?: string;
  community: string[];
  snmpVersion?: string;
  rate?: string;
  timeout?: string;
  retries?: string;
  yes?: boolean;
  json?: boolean;
  all?: boolean;
  save: boolean;
  dataDir?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new UserError(`bad ${name} "${v}": use a whole number from ${min} to ${max}`);
  return n;
}

export function registerDiscover(program: Command): void {
  program.command('discover')
    .description('Find the printers, copiers and MFPs on the network by SNMP and update the inventory')
    .argument('[targets...]', 'CIDRs, ranges (10.0.0.10-10.0.0.50, 10.0.1-3.1-254), addresses or host names; default: [discovery] targets, else this host\'s subnets')
    .option('-c, --config <file>', 'config.ini to use')
    .option('-x, --exclude <targets>', 'addresses never to probe (repeatable, comma-separated)', collect, [])
    .option('-p, --port <n>', 'UDP port of the SNMP agents (default [snmp] port)')
    .option('--community <name>', 'community to try, in order (repeatable; default [snmp] communities)', collect, [])
    .addOption(new Option('--snmp-version <v>', 'SNMP version (default [snmp] version)').choices(['auto', '1', '2c', '3']))
    .option('--rate <pps>', 'probe packets per second, 0 = unthrottled (default [discovery] rate)')
    .option('--timeout <duration>', 'wait for replies, e.g. 1500ms or 2s (default [discovery] timeout)')
    .option('--retries <n>', 'retries for silent addresses (default [discovery] retries)')
    .option('-y, --yes', 'allow sweeping more than a /16')
    .option('--json', 'print JSON instead of a table')
    .option('--all', 'also list responders that are not printers, with the reason')
    .option('--no-save', 'do not update the inventory')
    .option('--data-dir <dir>', 'folder holding the inventory (default [agent] data_dir)')
    .action(async (targets: string[], opts: Opts) => {
      const config = loadConfig(opts.config);
      let timeoutMs: number | undefined;
      if (opts.timeout !== undefined) {
        const t = parseDuration(opts.timeout);
        if (t === null || t <= 0) throw new UserError(`bad --timeout "${opts.timeout}": use a duration like 1500ms or 2s`);
        timeoutMs = t;
      }
      // The sweep and its report load only for this command.
      const { progressWriter } = await import('../discover/progress.js');
      const { formatOthers, formatTable, summaryLine } = await import('../discover/report.js');
      const { runDiscover } = await import('../discover/run.js');
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      const progress = opts.json ? { clear: () => {} } : progressWriter(process.stderr);
      try {
        const r = await runDiscover({
          config, targets, exclude: opts.exclude, communities: opts.community, version: opts.snmpVersion,
          port: int('--port', opts.port, 1, 65535), rate: int('--rate', opts.rate, 0, 1_000_000), timeoutMs,
          retries: int('--retries', opts.retries, 0, 10), confirmed: opts.yes, save: opts.save, dataDir: opts.dataDir,
          signal: controller.signal, onProgress: 'onProgress' in progress ? progress.onProgress : undefined,
        });
        progress.clear();
        for (const n of r.notes) process.stderr.write(`amr: ${inert(n)}\n`);
        if (opts.json) {
          const others = r.others.map((d) => ({
            ip: d.ip, vendor: d.classification.vendor ?? null, kind: d.classification.kind, reason: d.classification.reason,
            sysDescr: d.facts.sysDescr ?? null, sysObjectID: d.facts.sysObjectID ?? null,
          }));
          process.stdout.write(inertJson(JSON.stringify({ printers: r.printers, others, stats: r.stats, notes: r.notes }, null, 2)) + '\n');
        } else {
          if (r.printers.length) process.stdout.write(formatTable(r.printers));
          else process.stdout.write('No printers found.\n');
          if (opts.all && r.others.length) process.stdout.write('\n' + formatOthers(r.others));
          process.stderr.write(summaryLine(r.stats, r.printers.filter((p) => p.status !== 'missing').length + r.others.length, r.printers));
        }
        if (r.stats.aborted) process.exitCode = 130;
        if (r.saveError) {
          process.stderr.write(`amr discover: ${r.saveError}\n`);
          process.exitCode = 2;
        }
      } finally {
        progress.clear();
        process.off('SIGINT', onSigint);
      }
    });
}
