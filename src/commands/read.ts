/** `amr read <host...>`: read devices now and print their Readings. */
import type { Command } from 'commander';
import { colorFor } from '../color.js';
import { UserError } from '../errors.js';
import { inert, inertJson } from '../inert.js';
import { hostProblem } from '../reading/host.js';
import type { Reading } from '../reading/types.js';
import { addSnmpOptions, snmpSettings, type SnmpCliOptions } from './snmp-options.js';

interface ReadCliOptions extends SnmpCliOptions {
  json?: boolean;
  explain?: boolean;
  web?: boolean;
}

export function registerRead(program: Command): void {
  const cmd = program.command('read')
    .description('Read counters, supplies, alerts and identity from printers by SNMP')
    .argument('<host...>', 'printer IP addresses or host names')
    .option('--json', 'print the Reading as JSON (an array when several hosts are read)')
    .option('--explain', 'show where each value came from (OID, profile or web page)')
    .option('--no-web', 'SNMP only: do not read printers\' web pages, whatever config.ini and the profiles say');
  addSnmpOptions(cmd).action(async (hosts: string[], opts: ReadCliOptions) => {
    const bad = hosts.map(hostProblem).find((p) => p !== null);
    if (bad) throw new UserError(`${bad}; nothing was read`);
    const settings = snmpSettings(opts);
    // Loaded here, not at start-up: every other command stays light.
    const { forEachReading } = await import('../pipeline/read-many.js');
    const { formatReading } = await import('../reading/format.js');
    const unique = [...new Set(hosts)];
    const c = colorFor(process.stdout);
    const out = process.stdout;
    const asArray = opts.json && unique.length > 1;
    // Each Reading is printed (in the order the hosts were given) as soon as it and those
    // before it are done, then dropped: reading a whole fleet holds little in memory.
    const waiting = new Map<number, Reading>();
    const failed: Reading[] = [];
    let printed = 0;
    const print = (r: Reading) => {
      const sep = printed === 0 ? (asArray ? '[\n' : '') : (opts.json ? ',\n' : '\n\n');
      if (opts.json) {
        const text = inertJson(JSON.stringify(opts.explain ? r : { ...r, sources: undefined }, null, 2));
        out.write(sep + (asArray ? text.replace(/^/gm, '  ') : text));
      } else {
        out.write(sep + formatReading(r, c, opts.explain));
      }
      printed++;
    };
    await forEachReading(unique, settings, { noWeb: opts.web === false }, ({ reading }, i) => {
      if (!reading.ok) failed.push(reading);
      waiting.set(i, reading);
      for (let r = waiting.get(printed); r; r = waiting.get(printed)) {
        waiting.delete(printed);
        print(r);
      }
    });
    out.write(asArray ? '\n]\n' : '\n');
    if (opts.json) for (const r of failed) process.stderr.write(`amr: ${inert(r.host)}: ${inert(r.error)}\n`);
    process.exitCode = failed.length ? 1 : 0;
  });
}
