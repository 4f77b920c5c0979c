// A simulated fleet in its own process, so the agent being measured has the CPU
// and memory figures to itself. Usage: node sim-child.mjs BASE PORT COUNT DIR
// Prints "ready" when serving; on stdin "stats\n" prints total requests received as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSimulator } from '../../dist/sim/simulator.js';
import { parseSnmprec } from '../../dist/snmp/snmprec.js';
import { fleetAddresses } from '../../dist/sim/cli.js';

const [base, port, count, ...dirs] = process.argv.slice(2);
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.snmprec')).sort().map((f) => join(d, f)));
const recordings = files.map((f) => ({ name: f.split('/').pop(), varbinds: parseSnmprec(readFileSync(f, 'utf8'), f, () => {}) }));
const addresses = fleetAddresses(base, Number(count));
const sim = await startSimulator({
  devices: addresses.map((address, i) => ({ address, port: Number(port), name: recordings[i % recordings.length].name, varbinds: recordings[i % recordings.length].varbinds })),
});
process.stdout.write(JSON.stringify({ ready: true, devices: addresses.map((a, i) => [a, recordings[i % recordings.length].name]) }) + '\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') {
    const received = addresses.reduce((n, a) => n + sim.stats(a, Number(port)).received, 0);
    process.stdout.write(JSON.stringify({ received }) + '\n');
  }
});
process.stdin.on('end', () => sim.stop().then(() => process.exit(0)));
