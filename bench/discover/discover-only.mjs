// `amr discover` with only the discover command registered: the sweeper's own time and
// memory, without the start-up cost of other commands' eagerly imported libraries.
import { Command } from 'commander';
import { registerDiscover } from '../../dist/commands/discover.js';

process.on('exit', () => { process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`); });
const program = new Command('amr').exitOverride();
registerDiscover(program);
program.parseAsync(['node', 'amr', ...process.argv.slice(2)]).catch((e) => { process.stderr.write(`amr: ${e.message}\n`); process.exitCode = 2; });
