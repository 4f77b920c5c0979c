// bench/read: read 254 simulated printers (the shared recordings, repeated) with amr,
// concurrently as `amr read` does, and the same devices with Net-SNMP's snmpbulkwalk
// over the subtrees amr needs, one device after another and 8 at a time. SNMP against
// SNMP: amr runs with --no-web. A last amr run with web pages attempted (the simulated
// fleet serves none: every attempt is refused) shows what that adds.
// Prints times, ratios, requests per device and amr's peak RSS (median of RUNS runs).
// Run: npm run build && node bench/read/run.mjs   (loopback only: 127.0.30.x)
import { join } from 'node:path';
import { startFleetProcess, timed, pool } from '../lib/fleet-process.mjs';

const root = new URL('../..', import.meta.url).pathname;
const PORT = 16170;
const COUNT = 254;
const fleet = await startFleetProcess('127.0.30', PORT, COUNT, [join(root, 'test/fixtures/devices/printers')]);
const hosts = fleet.devices.map(([a]) => a);

// The subtrees amr reads (src/reading/oids.ts), as a Net-SNMP user would walk them.
const SUBTREES = ['1.3.6.1.2.1.1', '1.3.6.1.2.1.2.2.1.6', '1.3.6.1.2.1.4.20.1.2', '1.3.6.1.2.1.25.3.2', '1.3.6.1.2.1.25.3.5', '1.3.6.1.2.1.43'];
const walkDevice = async (host) => {
  for (const oid of SUBTREES) {
    const r = await timed('snmpbulkwalk', ['-v2c', '-c', 'public', '-Cr25', '-t', '2', '-r', '1', `${host}:${PORT}`, oid]);
    if (r.code !== 0) throw new Error(`snmpbulkwalk ${host} ${oid}: ${r.stderr}`);
  }
};

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measureAmr(extra = []) {
  const before = await fleet.requests();
  const r = await timed(process.execPath, [join(root, 'bench/lib/amr-rss.mjs'), 'read', ...hosts, '--port', String(PORT), '--json', '--timeout', '2s', ...extra],
    { env: { ...process.env, AMR_CONFIG: '', AMR_DATA_DIR: '/nonexistent' } });
  const requests = (await fleet.requests()) - before;
  const readings = JSON.parse(r.stdout);
  const ok = readings.filter((x) => x.ok).length;
  const rss = Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms: r.ms, ok, requests, rss, code: r.code };
}

async function measureNetSnmp(width) {
  const before = await fleet.requests();
  const started = process.hrtime.bigint();
  await pool(hosts, width, walkDevice);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, requests: (await fleet.requests()) - before };
}

async function measureAmrRuns(extra) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measureAmr(extra));
  const ms = median(runs.map((r) => r.ms));
  return {
    ms, ok: Math.min(...runs.map((r) => r.ok)), requests: median(runs.map((r) => r.requests)),
    rss: median(runs.map((r) => r.rss)), rssMax: Math.max(...runs.map((r) => r.rss)),
  };
}

try {
  await measureAmr(['--no-web']); // warm-up: disk cache, JIT of the simulator
  const amr = await measureAmrRuns(['--no-web']);
  const web = await measureAmrRuns([]);
  const seq = await measureNetSnmp(1);
  const par8 = await measureNetSnmp(8);
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`devices: ${COUNT} simulated printers on 127.0.30.x:${PORT} (${fleet.devices.length} addresses, ${new Set(fleet.devices.map(([, n]) => n)).size} distinct recordings)`);
  console.log(`amr read --no-web (median of ${RUNS}):  ${fmt(amr.ms)}  ${amr.ok}/${COUNT} read  ${(amr.requests / COUNT).toFixed(1)} requests/device  peak RSS ${amr.rss.toFixed(0)} MB (max ${amr.rssMax.toFixed(0)})`);
  console.log(`snmpbulkwalk, one device at a time: ${fmt(seq.ms)}  ${(seq.requests / COUNT).toFixed(1)} requests/device`);
  console.log(`snmpbulkwalk, 8 devices at a time:  ${fmt(par8.ms)}  ${(par8.requests / COUNT).toFixed(1)} requests/device`);
  console.log(`ratio amr / sequential Net-SNMP:    ${(amr.ms / seq.ms).toFixed(3)}x  (target <= 0.25x)`);
  console.log(`ratio amr / 8-way Net-SNMP:         ${(amr.ms / par8.ms).toFixed(3)}x  (target <= 1x)`);
  console.log(`peak RSS:                           ${amr.rss.toFixed(0)} MB, max ${amr.rssMax.toFixed(0)} MB  (target <= 100 MB)`);
  console.log(`amr read with web pages attempted:  ${fmt(web.ms)}  peak RSS ${web.rss.toFixed(0)} MB (max ${web.rssMax.toFixed(0)}; loads the HTTP client, every page refused)`);
  if (amr.ok !== COUNT) { console.error(`only ${amr.ok} of ${COUNT} devices read`); process.exitCode = 1; }
} finally {
  await fleet.stop();
}
