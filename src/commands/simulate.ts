/** `amr simulate <file-or-dir...>`: serve printer recordings as SNMP agents on loopback, for demos and tests. */
import type { Command } from 'commander';
import { UserError, errorMessage } from '../errors.js';

interface Opts {
  base: string;
  port: string;
  community: string[];
  v3User: string[];
  maxMessageSize?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseIntIn(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`${what} must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}

export function registerSimulate(program: Command): void {
  program.command('simulate')
    .description('Serve .snmprec recordings as SNMP agents (v1/v2c/v3), one per 127.x address, until interrupted')
    .argument('<paths...>', '.snmprec files or folders of them')
    .option('--base <address>', 'first address (127.x.y or 127.x.y.z)', '127.0.1')
    .option('--port <port>', 'UDP port every device listens on', '1161')
    .option('--community <name>', 'accepted v1/v2c community (repeatable; default public)', collect, [])
    .option('--v3-user <spec>', 'SNMPv3 user name:authProto:authPass[:privProto:privPass] (repeatable)', collect, [])
    .option('--max-message-size <octets>', 'largest response a device sends (default 1472)')
    .action(async (paths: string[], opts: Opts) => {
      let result;
      try {
        const { runSimulate } = await import('../sim/cli.js');
        result = await runSimulate(paths, {
          base: opts.base,
          port: parseIntIn(opts.port, '--port', 1, 65535),
          communities: opts.community.length > 0 ? opts.community : ['public'],
          v3Users: opts.v3User,
          ...(opts.maxMessageSize !== undefined ? { maxMessageSize: parseIntIn(opts.maxMessageSize, '--max-message-size', 484, 65507) } : {}),
        });
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw new UserError(errorMessage(error));
      }
      for (const warning of result.warnings) process.stderr.write(`amr simulate: ${warning}\n`);
      for (const line of result.lines) process.stdout.write(line + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await result.simulator.stop();
    });
}
