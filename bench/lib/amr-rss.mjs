// Run the real amr CLI and report its peak resident set size on stderr at exit.
import { main } from '../../dist/cli.js';

process.on('exit', () => { process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`); });
main(['node', 'amr', ...process.argv.slice(2)]).then((code) => { process.exitCode = code; });
