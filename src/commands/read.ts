/** `amr read <host...>`: read devices now and print their Readings. */
import type { Command } from 'commander';
import { addSnmpOptions, snmpSettings, type SnmpCliOptions } from './snmp-options.js';

interface ReadCliOptions extends SnmpCliOptions {
  json?: boolean;
  explain?: boolean;
}

export function registerRead(program: Command): void {
  const cmd = program.command('read')
    .description('Read counters, supplies, alerts and identity from printers by SNMP')
    .argument('<host...>', 'printer IP addresses or host names')
    .option('--json', 'print the Reading as JSON (an array when several hosts are read)')
    .option('--explain', 'show where each value came from (OID, profile or web page)');
  addSnmpOptions(cmd).action(async (hosts: string[], opts: ReadCliOptions) => {
    const settings = snmpSettings(opts);
    // Loaded here, not at start-up: every other command stays light.
    const { readDevices } = await import('../reading/read-many.js');
    const { formatReading, makeChalk } = await import('../reading/format.js');
    const results = await readDevices([...new Set(hosts)], settings);
    const readings = results.map((r) => r.reading);
    if (opts.json) {
      const shown = opts.explain ? readings : readings.map(({ sources: _s, ...rest }) => rest);
      process.stdout.write(JSON.stringify(shown.length === 1 ? shown[0] : shown, null, 2) + '\n');
    } else {
      const c = makeChalk();
      process.stdout.write(readings.map((r) => formatReading(r, c, opts.explain)).join('\n\n') + '\n');
    }
    const failed = readings.filter((r) => !r.ok);
    for (const r of failed) if (opts.json) process.stderr.write(`amr: ${r.host}: ${r.error}\n`);
    process.exitCode = failed.length ? 1 : 0;
  });
}
