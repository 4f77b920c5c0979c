/**
 * `amr config write`: config.ini from an installer's answers (the MSI's properties, the
 * setup's pages). `--check` validates without writing, for a setup page. The file is
 * replaced atomically; its folder's access (icacls) is the installer's job.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { configText } from '../config/write.js';
import { UserError } from '../errors.js';

interface WriteOptions {
  out?: string; check?: boolean; customer: string; agentId?: string; url: string[]; agentKey?: string; dataDir?: string; allowHttp?: boolean;
  proxy?: string; proxyUser?: string; proxyPassword?: string; community: string[]; targets: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** A flag an installer may pass empty (an unset MSI property): empty, 0, no, false are off. */
function yesNo(value: string): boolean {
  if (/^(1|yes|true)$/i.test(value.trim())) return true;
  if (/^(0|no|false|)$/i.test(value.trim())) return false;
  throw new UserError(`--allow-http "${value}" is not yes or no`);
}

export function registerConfigWrite(config: Command): void {
  config.command('write')
    .description('Write config.ini from an installer\'s answers (validated first; --check only validates)')
    .requiredOption('--customer <code>', 'customer code the dealer gave this site')
    .option('--agent-id <id>', 'agent id the dealer enrolled (default: this PC\'s name)')
    .option('--url <url>', 'collector URL (repeatable or comma-separated, tried in order)', collect, [])
    .option('--agent-key <key>', 'agent key from the dealer')
    .option('--data-dir <folder>', 'data folder (default: the folder of --out)')
    .option('--allow-http [yes|no]', 'allow plain http:// collector URLs', yesNo)
    .option('--proxy <url>', 'proxy: http://host:port, system or none')
    .option('--proxy-user <user>', 'proxy user name')
    .option('--proxy-password <password>', 'proxy password')
    .option('--community <name>', 'SNMP community (repeatable or comma-separated)', collect, [])
    .option('--targets <ranges>', 'discovery targets (repeatable or comma-separated)', collect, [])
    .option('-o, --out <file>', 'config.ini to write')
    .option('--check', 'validate the answers, write nothing')
    .action((o: WriteOptions) => {
      if (!o.customer.trim()) throw new UserError('--customer is empty: give the customer code the dealer gave this site');
      if (!o.url.join('').trim()) throw new UserError('--url is missing: give the dealer\'s collector URL, e.g. https://s1.example.net/amr');
      if (!o.check && !o.out) throw new UserError('--out is missing: give the config.ini to write, e.g. C:\\DriverPrinter\\config.ini');
      const text = configText({
        customer: o.customer, agentId: o.agentId, urls: o.url, agentKey: o.agentKey, dataDir: o.dataDir ?? (o.out ? dirname(o.out) : undefined), allowHttp: o.allowHttp,
        proxyUrl: o.proxy, proxyUser: o.proxyUser, proxyPassword: o.proxyPassword, communities: o.community, targets: o.targets,
      }, o.out);
      if (!o.agentKey) throw new UserError('--agent-key is missing: give the agent key the dealer made for this customer');
      if (o.check) { process.stdout.write('OK\n'); return; }
      const out = o.out!;
      try {
        mkdirSync(dirname(out), { recursive: true });
        const tmp = `${out}.${process.pid}.tmp`;
        writeFileSync(tmp, text, { mode: 0o600 });
        renameSync(tmp, out);
      } catch (e) {
        throw new UserError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? e}); run the installer as an administrator or choose another folder`);
      }
      process.stdout.write(`${out}: written\n`);
    });
}
