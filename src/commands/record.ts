/** `amr record <host>`: capture a device as a masked .snmprec for support and the simulator. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError, errorMessage } from '../errors.js';
import { formatSnmprec } from '../snmp/snmprec.js';
import { addSnmpOptions, snmpSettings, type SnmpCliOptions } from './snmp-options.js';

interface RecordCliOptions extends SnmpCliOptions {
  output?: string;
  maskSerial?: boolean;
  maskMac?: boolean;
}

export function registerRecord(program: Command): void {
  const cmd = program.command('record')
    .description('Record what amr reads from a device (and its vendor subtree) into a .snmprec file, privacy-masked')
    .argument('<host>', 'printer IP address or host name')
    .option('-o, --output <file>', 'write the recording here (default: standard output)')
    .option('--mask-serial', 'replace serial numbers (Printer-MIB and vendor) with stand-ins')
    .option('--mask-mac', 'replace MAC addresses with locally administered stand-ins');
  addSnmpOptions(cmd).action(async (host: string, opts: RecordCliOptions) => {
    const settings = snmpSettings(opts);
    const credentials = settings.credentials(host);
    if (credentials.length === 0) throw new UserError('no SNMP credentials: give --community or configure [snmp] communities');
    const { loadProfiles } = await import('../profiles/load.js');
    const { recordDevice } = await import('../record/record.js');
    const profiles = loadProfiles({ dataDir: settings.dataDir ?? undefined, onError: (f, m) => process.stderr.write(`amr: profile ${f}: ${m}; ignored\n`) });
    let result;
    try {
      result = await recordDevice(host, credentials, settings.session, profiles, { maskSerial: opts.maskSerial, maskMac: opts.maskMac });
    } catch (e) {
      process.stderr.write(`amr: ${host}: ${errorMessage(e)}\n`);
      process.exitCode = 1;
      return;
    }
    const text = `# amr record of one device (${result.varbinds.length} values, profile ${result.profile ?? 'none'}); `
      + `sysName, sysContact, sysLocation and IP addresses masked${opts.maskSerial ? ', serials masked' : ''}${opts.maskMac ? ', MACs masked' : ''}\n`
      + formatSnmprec(result.varbinds);
    if (opts.output) {
      try {
        writeFileSync(opts.output, text);
      } catch (e) {
        throw new UserError(`cannot write ${opts.output}: ${errorMessage(e)}`);
      }
      process.stderr.write(`amr: recorded ${result.varbinds.length} values from ${host} to ${opts.output}\n`);
    } else {
      process.stdout.write(text);
    }
    for (const p of result.problems) process.stderr.write(`amr: ${host}: not recorded: ${p}\n`);
  });
}
