// Torture: the real `amr run` (bin/amr.js) over 20 simulated printers whose counters and
// toner change between runs, SIGKILLed at random moments, interleaved with normal runs,
// while the real collector (`amr-collector serve`, SQLite, own process) is killed or
// stopped and restarted at random. At the end every message the agent spooled (seen in
// its spool folder or its journal) must be in the collector's database exactly once,
// with the readings unchanged. Loopback only. Usage (inside a network namespace):
//   node bench/torture/run.mjs [--kills 100] [--seed N]
// Needs `npm run build` and `npm install` in collector/ (collector/dist).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enroll, openDb } from '../../collector/dist/index.js';
import { startSimulator } from '../../dist/sim/simulator.js';
import { loadRecording, recordingFiles } from '../../dist/sim/load.js';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const KILLS = Number(opt('kills', '100'));
const SEED = Number(opt('seed', String(Date.now() % 100000)));
let seed = SEED;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const root = new URL('../../', import.meta.url).pathname;
const AMR = join(root, 'bin/amr.js');
const COLLECTOR = join(root, 'collector/bin/amr-collector.js');
const HOST = '127.0.0.1';
const PORT = 16480;
const SNMP_PORT = 16481;
const tmp = mkdtempSync(join(tmpdir(), 'amr-torture-'));
const dbUrl = `sqlite:${join(tmp, 'collector.db')}`;
const data = join(tmp, 'agent');
const spool = join(data, 'spool');
mkdirSync(data);

// --- 20 simulated printers (the recordings repeated), on 127.0.40.x
const files = recordingFiles([join(root, 'test/fixtures/devices/printers')]);
const devices = Array.from({ length: 20 }, (_, i) => {
  const rec = loadRecording(files[i % files.length]);
  return { address: `127.0.40.${i + 1}`, port: SNMP_PORT, name: rec.name, varbinds: rec.varbinds };
});
const sim = await startSimulator({ devices });
/** Every page counter advances and every toner level drops a little: each run has something to send. */
function advance() {
  for (const d of devices) {
    for (const vb of d.varbinds) {
      const cur = sim.getValue(d.address, vb.oid, SNMP_PORT);
      if (!cur) continue;
      if (cur.type === 'Counter32' || cur.type === 'Counter64') {
        const step = 600 + Math.floor(rand() * 400);
        sim.setValue(d.address, vb.oid, { type: cur.type, value: typeof cur.value === 'bigint' ? cur.value + BigInt(step) : cur.value + step }, SNMP_PORT);
      } else if (vb.oid.startsWith('1.3.6.1.2.1.43.11.1.1.9.') && typeof cur.value === 'number' && cur.value > 10) {
        sim.setValue(d.address, vb.oid, { type: cur.type, value: cur.value - 6 }, SNMP_PORT);
      }
    }
  }
}

// --- the collector, in its own process, on a fixed port so restarts keep the URL
const db0 = await openDb(dbUrl);
const { key } = await enroll(db0, 'ACME-0001', 'torture-pc');
await db0.close();
let collector = null;
let collectorKills = 0, collectorStops = 0, collectorStarts = 0;
async function startCollector() {
  const child = spawn(process.execPath, [COLLECTOR, '--db', dbUrl, 'serve', '--host', HOST, '--port', String(PORT), '--tcp-port', '0', '--udp-ports', ''], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => { err += d; if (/listening on http/.test(err)) resolve(); });
    child.on('exit', (code) => reject(new Error(`collector exited ${code}: ${err}`)));
  });
  child.removeAllListeners('exit');
  collector = child;
  collectorStarts++;
}
async function stopCollector(signal) {
  const c = collector;
  collector = null;
  await new Promise((r) => { c.on('exit', r); c.kill(signal); });
  if (signal === 'SIGKILL') collectorKills++; else collectorStops++;
}

writeFileSync(join(data, 'config.ini'), [
  '[agent]', 'customer = ACME-0001', 'id = torture-pc', `data_dir = ${data}`,
  '[server]', `urls = http://${HOST}:${PORT}`, `agent_key = ${key}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
  '[proxy]', 'url = none',
  '[snmp]', `port = ${SNMP_PORT}`, 'timeout = 300ms', 'retries = 0',
  '[discovery]', 'interval = 365d',
  ...devices.map((d) => `[device.${d.address}]`),
  '[schedule]', 'page_delta = 1', 'supply_delta = 1', 'time_budget = 1m',
  '[web]', 'enabled = false',
].join('\n') + '\n');

// --- what the agent decided to send: every spool file ever seen, plus the journal
const seen = new Map(); // messageId -> message as spooled
let peakFiles = 0, peakBytes = 0;
function scanSpool() {
  if (!existsSync(spool)) return { files: [], tmp: 0 };
  let names;
  try { names = readdirSync(spool); } catch { return { files: [], tmp: 0 }; }
  let bytes = 0, count = 0, tmpFiles = 0;
  const ids = [];
  for (const f of names) {
    if (f.startsWith('.tmp-')) { tmpFiles++; continue; }
    if (!f.endsWith('.json') || f === 'state.json') continue;
    const id = f.replace(/\.json$/, '').split('-').slice(2).join('-');
    ids.push(id);
    try {
      const text = readFileSync(join(spool, f), 'utf8');
      bytes += Buffer.byteLength(text);
      count++;
      if (!seen.has(id)) seen.set(id, JSON.parse(text));
    } catch { /* removed after delivery between readdir and read, or mid-write (a .tmp- is renamed whole) */ }
  }
  peakFiles = Math.max(peakFiles, count);
  peakBytes = Math.max(peakBytes, bytes);
  return { files: ids, tmp: tmpFiles };
}
function journal() {
  const dir = join(data, 'journal');
  if (!existsSync(dir)) return [];
  const out = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().reverse()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line) { try { out.push(JSON.parse(line)); } catch { out.push({ torn: true }); } }
  }
  return out;
}

function runAgent(killAfterMs, command = 'run') {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AMR, command, '--config', join(data, 'config.ini')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const poll = setInterval(scanSpool, 10);
    let timer = null, killState = null;
    if (killAfterMs != null) timer = setTimeout(() => { killState = scanSpool(); child.kill('SIGKILL'); }, killAfterMs);
    const started = Date.now();
    child.on('exit', (code, signal) => { clearInterval(poll); clearTimeout(timer); scanSpool(); resolve({ code, signal, err, ms: Date.now() - started, killState }); });
  });
}

// --- the torture
const phases = { 'before read / read': 0, 'spool write': 0, send: 0, acknowledge: 0, 'after delivery (state, exit)': 0, 'run had already ended': 0 };
const exitCodes = {};
let lockSample = '';
let kills = 0, normal = 0, lines = journal().length;
await startCollector();
const t0 = Date.now();
let typical = 1500;
while (kills < KILLS) {
  advance();
  // the collector: sometimes killed, sometimes stopped cleanly, restarted at random
  if (collector && rand() < 0.12) await stopCollector(rand() < 0.5 ? 'SIGKILL' : 'SIGTERM');
  else if (!collector && rand() < 0.45) await startCollector();
  const kill = rand() < 0.65;
  // half the kills anywhere in a run, half in its last part, where spooling and sending happen
  const r = await runAgent(kill ? Math.floor(typical * (rand() < 0.5 ? rand() * 1.1 : 0.6 + rand() * 0.5)) : null);
  const entries = journal();
  const fresh = entries.slice(0, Math.max(0, entries.length - lines)); // newest first
  lines = entries.length;
  if (r.signal === 'SIGKILL') {
    kills++;
    const spooled = fresh.filter((e) => e.result === 'spooled').flatMap((e) => e.messageIds);
    const answered = new Set(fresh.filter((e) => e.channel !== 'spool').flatMap((e) => e.messageIds));
    const inSpool = new Set(r.killState?.files ?? []);
    if (r.killState?.tmp) phases['spool write']++;
    else if (spooled.length === 0) phases['before read / read']++;
    else if ([...answered].some((id) => inSpool.has(id) && fresh.find((e) => e.messageIds.includes(id) && (e.result === 'ok' || e.result === 'duplicate')))) phases.acknowledge++;
    else if (spooled.some((id) => inSpool.has(id) && !answered.has(id)) && collector) phases.send++;
    else if (spooled.some((id) => inSpool.has(id) && !answered.has(id))) phases['spool write']++; // collector down: killed between spooling and the refused connection
    else phases['after delivery (state, exit)']++;
  } else {
    if (kill) phases['run had already ended']++;
    normal++;
    exitCodes[r.code] = (exitCodes[r.code] ?? 0) + 1;
    if (r.code === 5 && !lockSample) lockSample = r.err.trim().split('\n').slice(0, 3).join(' | ');
    if (r.code === 0 && collector) typical = Math.max(400, Math.round((typical + r.ms) / 2));
    if (r.code === 70 || /at .*\.js:\d+/.test(r.err)) console.log(`agent stack trace / internal error (exit ${r.code}): ${r.err.slice(0, 400)}`);
  }
}
// drain: collector up, one more run, then `amr send` (ignores the backoff) until the spool is empty
if (!collector) await startCollector();
await runAgent(null);
for (let i = 0; i < 5 && scanSpool().files.length > 0; i++) await runAgent(null, 'send');
const leftInSpool = new Set(scanSpool().files);
const tortureMs = Date.now() - t0;
await stopCollector('SIGTERM');

// --- compare with the collector's database
for (const e of journal()) if (e.result === 'spooled') for (const id of e.messageIds) if (!seen.has(id)) seen.set(id, null);
const dropped = new Set(journal().filter((e) => e.result === 'dropped' || e.result === 'quarantined').flatMap((e) => e.messageIds));
const db = await openDb(dbUrl);
const msgRows = await db.all('SELECT message_id, reading_count FROM messages WHERE agent_id = ?', ['torture-pc']);
const readingRows = await db.all('SELECT message_id, position, payload FROM readings WHERE agent_id = ?', ['torture-pc']);
await db.close();
const stored = new Map(msgRows.map((m) => [m.message_id, m]));
const byMessage = new Map();
for (const r of readingRows) { if (!byMessage.has(r.message_id)) byMessage.set(r.message_id, []); byMessage.get(r.message_id).push(r); }
let lost = 0, corrupted = 0, invented = 0, compared = 0, readings = 0, unseenContent = 0;
const lostIds = [];
for (const [id, m] of seen) {
  if (!stored.has(id)) { if (!dropped.has(id) && !leftInSpool.has(id)) { lost++; lostIds.push(id); } continue; }
  if (!m) { unseenContent++; continue; }
  const rows = (byMessage.get(id) ?? []).sort((a, b) => a.position - b.position);
  if (rows.length !== m.readings.length || stored.get(id).reading_count !== m.readings.length) { corrupted++; continue; }
  let bad = false;
  m.readings.forEach((sent, i) => {
    const got = JSON.parse(rows[i].payload);
    const key = (r) => JSON.stringify([r.identity?.serial, r.host, r.readAt, r.counters, (r.supplies ?? []).map((s) => s.levelPercent)]);
    compared++;
    if (key(sent) !== key(got)) bad = true;
  });
  if (bad) corrupted++;
  readings += m.readings.length;
}
for (const id of stored.keys()) if (!seen.has(id)) invented++;
// the same reading (device, time) stored under two message ids would be a duplicate
const perReading = new Map();
for (const r of readingRows) { const p = JSON.parse(r.payload); const k = `${p.identity?.serial}|${p.host}|${p.readAt}`; perReading.set(k, (perReading.get(k) ?? 0) + 1); }
const duplicated = [...perReading.values()].filter((n) => n > 1).length;
const totalReadings = readingRows.length;

if (lostIds.length) for (const e of journal().reverse()) if (e.messageIds?.some((id) => lostIds.includes(id))) console.log('journal:', JSON.stringify(e));
sim.stop();
rmSync(tmp, { recursive: true, force: true });
console.log(`seed ${SEED}; ${(tortureMs / 1000).toFixed(0)} s; 20 simulated printers; collector SQLite in its own process`);
console.log(`amr run: ${kills} SIGKILLed, ${normal} ran to the end (exit codes ${JSON.stringify(exitCodes)})`);
if (lockSample) console.log(`first exit 5 said: ${lockSample}`);
console.log(`collector: ${collectorKills} SIGKILLed, ${collectorStops} stopped (SIGTERM), ${collectorStarts} starts`);
console.log(`kills by phase (inferred from the journal and spool at the kill): ${JSON.stringify(phases)}`);
console.log(`messages the agent spooled: ${seen.size} (${unseenContent} known only from the journal); stored: ${stored.size}; readings stored: ${totalReadings}; readings compared field by field: ${compared}`);
console.log(`dropped or quarantined by the agent (journaled): ${dropped.size}`);
console.log(`left in the spool after the drain: ${leftInSpool.size}`);
console.log(`spool peak: ${peakFiles} messages, ${(peakBytes / 1024).toFixed(1)} KiB`);
console.log(`LOST ${lost}  DUPLICATED ${duplicated}  CORRUPTED ${corrupted}  INVENTED ${invented}${lostIds.length ? '  lost ids: ' + lostIds.slice(0, 5).join(', ') : ''}`);
process.exit(lost || duplicated || corrupted || invented ? 1 : 0);
