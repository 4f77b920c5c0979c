// A simulated fleet spread over a /16 of 127.x, in its own process so the sweeper being
// measured has CPU and memory to itself. Usage: node fleet.mjs PREFIX16 PORT COUNT DIR...
// (PREFIX16 like 127.99). Prints one JSON line {devices: [[address, folder/name], ...]} when serving;
// stops when stdin closes.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startSimulator } from '../../dist/sim/simulator.js';
import { parseSnmprec } from '../../dist/snmp/snmprec.js';

const [prefix, port, count, ...dirs] = process.argv.slice(2);
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.snmprec')).sort().map((f) => join(d, f)));
const recordings = files.map((f) => ({ name: `${basename(join(f, '..'))}/${basename(f)}`, varbinds: parseSnmprec(readFileSync(f, 'utf8'), f, () => {}) }));
// Spread devices over the whole /16: device i sits in the i-th /24, at a host number that wanders.
const addresses = Array.from({ length: Number(count) }, (_, i) => `${prefix}.${i % 256}.${1 + ((i * 37) % 254)}`);
const sim = await startSimulator({
  devices: addresses.map((address, i) => ({ address, port: Number(port), name: recordings[i % recordings.length].name, varbinds: recordings[i % recordings.length].varbinds })),
});
process.stdout.write(JSON.stringify({ devices: addresses.map((a, i) => [a, recordings[i % recordings.length].name]) }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => sim.stop().then(() => process.exit(0)));
