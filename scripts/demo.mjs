// `npm start`: the whole flow on one machine, nothing to configure, nothing left running.
// A simulated fleet (the recordings in test/fixtures/devices) answers SNMP on loopback;
// the dealer's collector runs on SQLite in a temporary folder; the agent is enrolled,
// runs one scheduled cycle (`amr run`: discover, read, decide, spool, send), the
// printers print some pages, a second cycle sends only what changed; then the
// dealer's fleet view and meter reads are printed. Loopback only (127.0.40.x).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { colorOn } from '../dist/color.js';
import { startSimulator } from '../dist/sim/simulator.js';
import { parseSnmprec } from '../dist/snmp/snmprec.js';
import { fleet, meters, startCollector, table } from '../collector/dist/index.js';

const root = join(import.meta.dirname, '..');
const PORT = 16190;
const work = mkdtempSync(join(tmpdir(), 'amr-demo-'));
// Bold only where colour is on (a terminal, no NO_COLOR; FORCE_COLOR forces it): a log or pipe gets plain text.
const bold = colorOn(process.stdout) ? (t) => `\x1b[1m${t}\x1b[0m` : (t) => t;
const say = (text) => process.stdout.write(`\n${bold(`== ${text}`)}\n`);

const dirs = ['printers', 'others'].map((d) => join(root, 'test/fixtures/devices', d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.snmprec')).sort().map((f) => join(d, f)));
const devices = files.map((file, i) => ({
  address: `127.0.40.${i + 1}`, port: PORT, name: file.split('/').pop(),
  varbinds: parseSnmprec(readFileSync(file, 'utf8'), file, () => {}),
}));

const amr = (args) => new Promise((resolve) => {
  execFile(process.execPath, [join(root, 'bin/amr.js'), ...args], { env: { ...process.env, AMR_CONFIG: '' } }, (error, stdout, stderr) => {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    resolve(error ? error.code ?? 1 : 0);
  });
});

let sim;
let collector;
try {
  say(`simulated fleet: ${devices.length} devices (printers and non-printers) on 127.0.40.1-${devices.length}, UDP ${PORT}`);
  sim = await startSimulator({ devices });
  for (const d of devices) console.log(`  ${d.address}  ${d.name}`);

  say('dealer: collector on SQLite, enrol the customer\'s agent');
  collector = await startCollector({ db: `sqlite:${join(work, 'collector.db')}`, port: 0, host: '127.0.0.1', log: false });
  const enrolment = await collector.enroll('DEMO-0001', 'demo-pc');
  console.log(`  collector at ${collector.url}; agent "${enrolment.agentId}" enrolled for customer DEMO-0001`);

  const config = join(work, 'config.ini');
  writeFileSync(config, [
    '[agent]', 'customer = DEMO-0001', `id = ${enrolment.agentId}`, `data_dir = ${join(work, 'agent')}`,
    '[server]', `urls = ${collector.url}`, `agent_key = ${enrolment.key}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
    '[proxy]', 'url = none',
    '[snmp]', `port = ${PORT}`, 'timeout = 1s', 'retries = 0',
    '[discovery]', `targets = 127.0.40.1-127.0.40.${devices.length + 2}`, 'rate = 0', 'timeout = 1s',
    '[web]', 'enabled = false',
  ].join('\n') + '\n');

  say('customer PC: amr run (first cycle: discover, read, send everything)');
  await amr(['run', '--config', config]);

  say('the printers print: +750 pages on three of them');
  const printers = devices.filter((d) => d.varbinds.some((v) => v.oid === '1.3.6.1.2.1.43.10.2.1.4.1.1')).slice(0, 3);
  for (const d of printers) {
    const vb = sim.getValue(d.address, '1.3.6.1.2.1.43.10.2.1.4.1.1', PORT);
    sim.setValue(d.address, vb.oid, { type: vb.type, value: Number(vb.value) + 750 }, PORT);
    console.log(`  ${d.address} ${d.name}: ${vb.value} -> ${Number(vb.value) + 750}`);
  }

  say('customer PC: amr run (second cycle: only what changed travels)');
  await amr(['run', '--config', config]);

  say('dealer: fleet');
  const f = await fleet(collector.db);
  process.stdout.write(table(f.devices, [
    { header: 'ip', get: (d) => d.ip }, { header: 'vendor', get: (d) => d.vendor }, { header: 'model', get: (d) => d.model },
    { header: 'serial', get: (d) => d.serial }, { header: 'total', get: (d) => d.total }, { header: 'status', get: (d) => d.status },
  ]));

  say('dealer: meter reads for the last hour (what the dealer bills)');
  const now = new Date();
  const report = await meters(collector.db, { from: new Date(now.getTime() - 3_600_000).toISOString(), to: new Date(now.getTime() + 1000).toISOString() });
  process.stdout.write(table(report.rows.filter((r) => r.counter === 'total' || r.pages), [
    { header: 'model', get: (r) => r.model }, { header: 'serial', get: (r) => r.serial }, { header: 'counter', get: (r) => r.counter },
    { header: 'start', get: (r) => r.start?.value }, { header: 'end', get: (r) => r.end?.value }, { header: 'pages', get: (r) => r.pages },
    { header: 'estimated', get: (r) => (r.estimated ? 'yes' : '') },
  ]));
} finally {
  await sim?.stop();
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
}
say('done: simulator and collector stopped, temporary files removed');
