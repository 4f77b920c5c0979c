// Torture: the real `amr run` (bin/amr.js) over 20 simulated printers whose counters and
// toner change between runs, while the real collector (`amr-collector serve`, SQLite, own
// process) is killed or stopped and restarted at random. Four phases:
//   1. week: the collector is down for a simulated week (the agent's clock is shifted by a
//      bench-only preload, clock.mjs) with runs every few simulated hours, [spool] max_mb = 1,
//      so the spool reaches its bound and gives way (oldest first, journaled);
//   2. kills: `amr run` SIGKILLed at random moments, interleaved with normal runs;
//   3. full disk: the data folder is a small tmpfs, filled up to a few KiB, runs tried;
//   4. read-only: the tmpfs remounted read-only, `amr run` and `amr send` tried.
// At the end every message the agent spooled (seen in its spool folder, its journal or by
// inotify) must be in the collector's database exactly once with the readings unchanged,
// unless the agent journaled that it dropped it (spool bound). Loopback only. Usage:
//   sh scripts/loopback-only.sh node bench/torture/run.mjs [--kills 100] [--seed N]
//     [--days 7] [--every-hours 2] [--disk-cycles 4]
// As root the bench re-runs itself in a private mount namespace (unshare -m) to mount the
// tmpfs; the mount goes with the namespace. Elsewhere phases 3 and 4 are skipped, and say so.
// Needs `npm run build` and `npm run build` in collector/ (collector/dist).
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync, watch, openSync, writeSync, closeSync, ftruncateSync, fstatSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };

// --- a private mount namespace for the tmpfs (root only); everything below runs in it
if (process.getuid?.() === 0 && !process.env.AMR_TORTURE_MNTNS && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0) {
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', process.execPath, fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit', env: { ...process.env, AMR_TORTURE_MNTNS: '1' } });
  process.exit(r.status ?? 1);
}

const { enroll, openDb } = await import('../../collector/dist/index.js');
const { startSimulator } = await import('../../dist/sim/simulator.js');
const { loadRecording, recordingFiles } = await import('../../dist/sim/load.js');

const KILLS = Number(opt('kills', '100'));
const SEED = Number(opt('seed', String(Date.now() % 100000)));
const DAYS = Number(opt('days', '7'));
const EVERY_H = Number(opt('every-hours', '2'));
const DISK_CYCLES = Number(opt('disk-cycles', '4'));
const SPOOL_MAX_MB = 1; // the smallest [spool] max_mb: a week of 20 printers fills it
// mulberry32: 32-bit integer arithmetic (an LCG in doubles loses precision and can cycle)
let seed = SEED >>> 0;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const root = new URL('../../', import.meta.url).pathname;
const AMR = join(root, 'bin/amr.js');
const CLOCK = new URL('./clock.mjs', import.meta.url).href;
const COLLECTOR = join(root, 'collector/bin/amr-collector.js');
const HOST = '127.0.0.1';
const PORT = 16480;
const SNMP_PORT = 16481;
const DAY = 86_400_000, HOUR = 3_600_000;
const tmp = mkdtempSync(join(tmpdir(), 'amr-torture-'));
const dbUrl = `sqlite:${join(tmp, 'collector.db')}`;
const data = join(tmp, 'agent');
const spool = join(data, 'spool');
mkdirSync(data);
const t0 = Date.now();

// --- the data folder on its own small tmpfs, when this process may mount one
const TMPFS_MB = 24;
const mounted = process.env.AMR_TORTURE_MNTNS === '1'
  && spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MB}m,mode=0700`, 'tmpfs', data]).status === 0;
const sh = (cmd, ...a) => { const r = spawnSync(cmd, a, { encoding: 'utf8' }); if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr}`); };
const freeBytes = () => { const s = statfsSync(data); return s.bavail * s.bsize; };
const FILLER = join(data, 'filler.bin');
/** Fill the tmpfs to the last `leave` bytes (page-rounded by tmpfs); returns what is free. */
function fillDisk(leave) {
  const fd = openSync(FILLER, 'w');
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  try { for (;;) writeSync(fd, chunk); } catch (e) { if (e.code !== 'ENOSPC') throw e; }
  try { for (;;) writeSync(fd, chunk, 0, 4096); } catch (e) { if (e.code !== 'ENOSPC') throw e; }
  ftruncateSync(fd, Math.max(0, fstatSync(fd).size - leave));
  closeSync(fd);
  return freeBytes();
}

// --- 20 simulated printers (the recordings repeated), on 127.0.40.x
const files = recordingFiles([join(root, 'test/fixtures/devices/printers')]);
const devices = Array.from({ length: 20 }, (_, i) => {
  const rec = loadRecording(files[i % files.length]);
  return { address: `127.0.40.${i + 1}`, port: SNMP_PORT, name: rec.name, varbinds: rec.varbinds };
});
const sim = await startSimulator({ devices });
/** `amr read --json` of some simulated printers: what the agent identifies each one by. */
function identify(hosts) {
  return new Promise((resolve) => {
    let out = '';
    const c = spawn(process.execPath, [AMR, 'read', ...hosts, '--port', String(SNMP_PORT), '--json', '--no-web'], { stdio: ['ignore', 'pipe', 'ignore'] });
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', () => { try { resolve([JSON.parse(out)].flat()); } catch { resolve([]); } });
  });
}
// There are fewer recordings than printers: a repeated recording gets its own serial and MAC
// (every OctetString holding the original's, as the agent identified it), or the agent would
// rightly take the copies for one printer at several addresses.
const originals = new Map((await identify(devices.slice(0, files.length).map((d) => d.address))).map((r) => [r.host, r.identity]));
for (let i = files.length; i < devices.length; i++) {
  const id = originals.get(devices[i % files.length].address);
  const serial = id?.serial ?? null;
  const mac = id?.mac ? Buffer.from(id.mac.replace(/[^0-9a-f]/gi, ''), 'hex') : null;
  const newSerial = serial && serial.length >= 2 ? serial.slice(0, -2) + String(i).padStart(2, '0') : null;
  for (const vb of devices[i].varbinds) {
    const cur = sim.getValue(devices[i].address, vb.oid, SNMP_PORT);
    if (!cur || !Buffer.isBuffer(cur.value)) continue;
    let v = cur.value;
    if (newSerial && v.toString('latin1').includes(serial)) v = Buffer.from(v.toString('latin1').split(serial).join(newSerial), 'latin1');
    if (mac && v.length === 6 && v.equals(mac)) { v = Buffer.from(v); v[5] = (v[5] + i) & 0xff; }
    if (v !== cur.value) sim.setValue(devices[i].address, vb.oid, { type: cur.type, value: v }, SNMP_PORT);
  }
}
const identities = await identify(devices.map((d) => d.address));
const distinct = new Set(identities.map((r) => r.identity.serial ?? r.identity.mac ?? r.host)).size;
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
let onStored = null; // set while a run waits to be killed right after the collector stored one of its messages
let collectorKills = 0, collectorStops = 0, collectorStarts = 0;
async function startCollector() {
  const child = spawn(process.execPath, [COLLECTOR, '--db', dbUrl, 'serve', '--host', HOST, '--port', String(PORT), '--tcp-port', '0', '--udp-ports', ''], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '', rest = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      if (err.length < 10_000) err += d;
      if (/listening on http/.test(err)) resolve();
      // "stored message <id>": the collector has committed it and is about to answer
      const text = rest + d;
      const lines = text.split('\n');
      rest = lines.pop();
      for (const line of lines) { const m = /INFO stored message "([^"]+)"/.exec(line); if (m) onStored?.(m[1]); }
    });
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
  '[spool]', `max_mb = ${SPOOL_MAX_MB}`,
  '[web]', 'enabled = false',
].join('\n') + '\n');

// --- what the agent decided to send: every spool file ever seen, the journal, inotify
let phase = 'week';
const seen = new Map(); // messageId -> message as spooled (null: known only from the journal or inotify)
const phaseOf = new Map(); // messageId -> phase it was first seen in
const peak = {}; // phase -> { files, bytes }
const note = (id) => { if (!phaseOf.has(id)) phaseOf.set(id, phase); };
const idOf = (f) => f.replace(/\.json$/, '').split('-').slice(2).join('-');
const sizes = new Map(); // spool file name -> bytes (a spool file never changes once renamed into place)
function scanSpool() {
  if (!existsSync(spool)) return { files: [], tmp: 0 };
  let names;
  try { names = readdirSync(spool); } catch { return { files: [], tmp: 0 }; }
  let bytes = 0, count = 0, tmpFiles = 0;
  const ids = [];
  for (const f of names) {
    if (f.startsWith('.tmp-')) { tmpFiles++; continue; }
    if (!f.endsWith('.json') || f === 'state.json') continue;
    const id = idOf(f);
    ids.push(id);
    if (!sizes.has(f)) {
      try {
        const text = readFileSync(join(spool, f), 'utf8');
        sizes.set(f, Buffer.byteLength(text));
        if (!seen.get(id)) seen.set(id, JSON.parse(text));
        note(id);
      } catch { continue; /* removed after delivery between readdir and read (a .tmp- is renamed whole) */ }
    }
    bytes += sizes.get(f);
    count++;
  }
  const p = (peak[phase] ??= { files: 0, bytes: 0 });
  p.files = Math.max(p.files, count);
  p.bytes = Math.max(p.bytes, bytes);
  return { files: ids, tmp: tmpFiles };
}
// inotify sees a file renamed into the spool even when it is delivered and removed between two polls
let watcher = null;
function watchSpool() {
  if (watcher || !existsSync(spool)) return;
  try {
    watcher = watch(spool, (ev, f) => {
      if (!f || f.startsWith('.tmp-') || !f.endsWith('.json') || f === 'state.json') return;
      const id = idOf(f);
      if (!seen.has(id)) seen.set(id, null);
      note(id);
    });
    watcher.on('error', () => { watcher = null; });
  } catch { watcher = null; }
}
/** The communication journal, oldest entry first (journal.4.jsonl … journal.1.jsonl, journal.jsonl). */
function journal() {
  const dir = join(data, 'journal');
  if (!existsSync(dir)) return [];
  const n = (f) => (f === 'journal.jsonl' ? 0 : Number(f.split('.')[1]));
  const out = [];
  for (const f of readdirSync(dir).filter((f) => /^journal(\.\d+)?\.jsonl$/.test(f)).sort((a, b) => n(b) - n(a))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line) { try { out.push(JSON.parse(line)); } catch { out.push({ torn: true, messageIds: [] }); } }
  }
  return out;
}
let lines = 0;
/** Journal entries written since the last call; spooled ids are recorded as seen. */
function freshJournal() {
  const entries = journal();
  const fresh = entries.slice(entries.length >= lines ? lines : 0);
  lines = entries.length;
  for (const e of fresh) if (e.result === 'spooled') for (const id of e.messageIds) { if (!seen.has(id)) seen.set(id, null); note(id); }
  return fresh;
}

/** One agent command; `offsetMs` shifts its clock (bench preload), `killAfterMs` SIGKILLs it. */
function runAgent({ killAfterMs = null, killOnStored = false, command = 'run', offsetMs = 0 } = {}) {
  return new Promise((resolve) => {
    const pre = offsetMs ? ['--import', CLOCK] : [];
    const child = spawn(process.execPath, [...pre, AMR, command, '--config', join(data, 'config.ini')],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AMR_TORTURE_CLOCK_OFFSET_MS: String(offsetMs) } });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    watchSpool();
    const poll = setInterval(() => { watchSpool(); scanSpool(); }, 10);
    let timer = null, killState = null;
    if (killAfterMs != null) timer = setTimeout(() => { killState = scanSpool(); child.kill('SIGKILL'); }, killAfterMs);
    if (killOnStored) onStored = (id) => { onStored = null; killState = { ...scanSpool(), stored: id }; child.kill('SIGKILL'); };
    const started = Date.now();
    child.on('exit', (code, signal) => {
      clearInterval(poll); clearTimeout(timer); onStored = null; scanSpool();
      const r = { code, signal, out, err, ms: Date.now() - started, killState };
      if (code === 70 || /internal error|\n\s+at .*\.js:\d+/.test(err)) internalErrors.push(`${phase} ${command} exit ${code}: ${err.slice(0, 300)}`);
      resolve(r);
    });
  });
}
const internalErrors = [];
const delivered = (r) => Number(/delivered (\d+)/.exec(r.out + r.err)?.[1] ?? 0);
/** The lines of a command's output that say what failed (paths shortened), with its exit code. */
const explain = (r) => (r.out + r.err).split('\n').filter((l) => /disk is full|read-only|cannot write|not writable|permission/i.test(l))
  .map((l) => `exit ${r.code}: ${l.replace(/\/tmp\/amr-torture-\w+\/agent/g, 'DATA').slice(0, 240)}`);
const tally = (o, k) => { o[k] = (o[k] ?? 0) + 1; };

// --- phase 1: the collector down for a simulated week, runs every few hours, spool at its bound
const weekRuns = Math.round(DAYS * 24 / EVERY_H);
const weekExit = {};
for (let k = 0; k < weekRuns; k++) {
  advance();
  const r = await runAgent({ offsetMs: -DAYS * DAY + k * EVERY_H * HOUR });
  tally(weekExit, r.code);
  freshJournal();
}
const weekSpooled = [...phaseOf].filter(([, p]) => p === 'week').length;
const weekLeft = scanSpool().files.length;
// the collector returns: one run at the real time (the end of the simulated week)
await startCollector();
phase = 'kills';
const back = await runAgent();
freshJournal();
const weekDelivered = delivered(back);
const weekBackExit = back.code;

// --- phase 2: SIGKILLed runs at random moments, interleaved with normal runs
const phases = { 'before read / read': 0, 'spool write': 0, send: 0, acknowledge: 0, 'after delivery (state, exit)': 0, 'run had already ended': 0 };
const exitCodes = {};
let lockSample = '';
let kills = 0, normal = 0;
const tKills = Date.now();
let typical = 1500;
while (kills < KILLS) {
  advance();
  // the collector: sometimes killed, sometimes stopped cleanly, restarted at random
  if (collector && rand() < 0.12) await stopCollector(rand() < 0.5 ? 'SIGKILL' : 'SIGTERM');
  else if (!collector && rand() < 0.45) await startCollector();
  const kill = rand() < 0.65;
  // of the kills, a fifth the moment the collector logs that it stored a message of this run (before
  // the agent has removed it from its spool), the rest by time: half anywhere in a run, half in
  // its last part, where spooling and sending happen
  const onStore = kill && collector && rand() < 0.2;
  const r = await runAgent(onStore ? { killOnStored: true }
    : { killAfterMs: kill ? Math.floor(typical * (rand() < 0.5 ? rand() * 1.1 : 0.6 + rand() * 0.5)) : null });
  const fresh = freshJournal();
  if (r.signal === 'SIGKILL') {
    kills++;
    const spooled = fresh.filter((e) => e.result === 'spooled').flatMap((e) => e.messageIds);
    const answered = new Set(fresh.filter((e) => e.channel !== 'spool').flatMap((e) => e.messageIds));
    const inSpool = new Set(r.killState?.files ?? []);
    if (r.killState?.stored) phases[r.killState.files.includes(r.killState.stored) ? 'acknowledge' : 'after delivery (state, exit)']++;
    else if (r.killState?.tmp) phases['spool write']++;
    else if (spooled.length === 0) phases['before read / read']++;
    else if ([...answered].some((id) => inSpool.has(id) && fresh.find((e) => e.messageIds.includes(id) && (e.result === 'ok' || e.result === 'duplicate')))) phases.acknowledge++;
    else if (spooled.some((id) => inSpool.has(id) && !answered.has(id)) && collector) phases.send++;
    else if (spooled.some((id) => inSpool.has(id) && !answered.has(id))) phases['spool write']++; // collector down: killed between spooling and the refused connection
    else phases['after delivery (state, exit)']++;
  } else {
    if (kill) phases['run had already ended']++;
    normal++;
    tally(exitCodes, r.code);
    if (r.code === 5 && !lockSample) lockSample = r.err.trim().split('\n').slice(0, 3).join(' | ');
    if (r.code === 0 && collector) typical = Math.max(400, Math.round((typical + r.ms) / 2));
  }
}
const killsMs = Date.now() - tKills;

// --- phase 3: a full disk (the data folder's tmpfs filled to its last few KiB)
const disk = { tried: 0, exit: {}, killed: 0, deliveredWhileFull: 0, lines: new Set(), free: [] };
if (mounted) {
  phase = 'full disk';
  const rec = async (o) => {
    const r = await runAgent(o);
    freshJournal();
    if (r.signal) { disk.killed++; return r; }
    disk.tried++;
    const cmd = o?.command ?? 'run';
    tally(disk.exit, `${cmd} ${r.code}`);
    if (process.env.AMR_TORTURE_VERBOSE) console.log(`[full disk, ${freeBytes()} free] ${cmd} exit ${r.code}:\n${r.out}${r.err}`);
    for (const l of explain(r)) disk.lines.add(l);
    disk.deliveredWhileFull += delivered(r);
    return r;
  };
  for (let c = 0; c < DISK_CYCLES; c++) {
    // something spooled while the collector is down, then the disk fills up to its last few KiB
    if (collector) await stopCollector('SIGTERM');
    advance();
    await runAgent();
    freshJournal();
    disk.free.push(fillDisk([0, 4096, 16384, 32768][c % 4]));
    advance();
    await rec(); // collector down, disk full: nothing new can be spooled, nothing delivered
    await startCollector();
    advance();
    await rec(); // collector back, disk full: what is spooled is delivered (backoff permitting)
    advance();
    await rec({ killAfterMs: Math.floor(typical * rand() * 1.1) });
    advance();
    await rec({ command: 'send' }); // ignores the backoff: the rest of the spool
    rmSync(FILLER, { force: true });
  }
}

// --- phase 4: a read-only data folder
const ro = { tried: 0, exit: {}, lines: new Set(), spooledBefore: 0, deliveredAfter: 0 };
if (mounted) {
  phase = 'read-only';
  if (collector) await stopCollector('SIGTERM');
  advance();
  await runAgent();
  freshJournal();
  ro.spooledBefore = scanSpool().files.length;
  await startCollector();
  sh('mount', '-o', 'remount,ro', data);
  for (const command of ['run', 'send', 'run']) {
    advance();
    const r = await runAgent({ command });
    ro.tried++;
    tally(ro.exit, `${command} ${r.code}`);
    for (const l of explain(r)) ro.lines.add(l);
  }
  sh('mount', '-o', 'remount,rw', data);
  const r = await runAgent();
  freshJournal();
  ro.deliveredAfter = delivered(r);
}

// drain: collector up, one more run, then `amr send` (ignores the backoff) until the spool is empty
phase = 'drain';
if (!collector) await startCollector();
await runAgent();
for (let i = 0; i < 5 && scanSpool().files.length > 0; i++) await runAgent({ command: 'send' });
freshJournal();
const leftInSpool = new Set(scanSpool().files);
const tortureMs = Date.now() - t0;
await stopCollector('SIGTERM');
watcher?.close();

// --- compare with the collector's database
const all = journal();
for (const e of all) if (e.result === 'spooled') for (const id of e.messageIds) if (!seen.has(id)) seen.set(id, null);
const droppedBy = new Map(); // id -> 'bound' | 'age' | 'quarantined'
for (const e of all) {
  if (e.result === 'quarantined') for (const id of e.messageIds) droppedBy.set(id, 'quarantined');
  if (e.result === 'dropped') for (const id of e.messageIds) droppedBy.set(id, /max_mb/.test(e.error ?? '') ? 'bound' : 'age');
}
// lines of the journal and run log that do not parse (a line the disk cut short swallows the next one)
let tornLines = 0;
for (const f of existsSync(join(data, 'journal')) ? readdirSync(join(data, 'journal')) : []) {
  for (const line of readFileSync(join(data, 'journal', f), 'utf8').split('\n')) if (line.trim()) { try { JSON.parse(line); } catch { tornLines++; } }
}
const db = await openDb(dbUrl);
const msgRows = await db.all('SELECT message_id, reading_count FROM messages WHERE agent_id = ?', ['torture-pc']);
const readingRows = await db.all('SELECT message_id, position, payload FROM readings WHERE agent_id = ?', ['torture-pc']);
await db.close();
const stored = new Map(msgRows.map((m) => [m.message_id, m]));
const byMessage = new Map();
for (const r of readingRows) { if (!byMessage.has(r.message_id)) byMessage.set(r.message_id, []); byMessage.get(r.message_id).push(r); }
let lost = 0, corrupted = 0, invented = 0, compared = 0, unseenContent = 0;
const lostIds = [];
const perPhase = {}; // phase -> { spooled, stored, droppedAtBound, lost }
for (const [id, m] of seen) {
  const p = (perPhase[phaseOf.get(id) ?? 'journal only'] ??= { spooled: 0, stored: 0, droppedAtBound: 0, lost: 0 });
  p.spooled++;
  if (!stored.has(id)) {
    if (droppedBy.get(id) === 'bound') p.droppedAtBound++;
    if (!droppedBy.has(id) && !leftInSpool.has(id)) { lost++; p.lost++; lostIds.push(id); }
    continue;
  }
  p.stored++;
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
}
for (const id of stored.keys()) if (!seen.has(id)) invented++;
// the same reading (device, time) stored under two message ids would be a duplicate
const perReading = new Map();
for (const r of readingRows) { const p = JSON.parse(r.payload); const k = `${p.identity?.serial}|${p.host}|${p.readAt}`; perReading.set(k, (perReading.get(k) ?? 0) + 1); }
const duplicated = [...perReading.values()].filter((n) => n > 1).length;
// The give-way policy's promise: page counters are lifetime totals, so a later stored reading of
// the same printer carries every page a dropped one did.
const storedReadings = readingRows.map((r) => JSON.parse(r.payload));
let droppedReadings = 0, covered = 0, droppedContentUnknown = 0;
const uncovered = [];
for (const [id, why] of droppedBy) {
  if (why !== 'bound') continue;
  const m = seen.get(id);
  if (!m) { droppedContentUnknown++; continue; }
  for (const d of m.readings) {
    droppedReadings++;
    const counters = Object.entries(d.counters ?? {});
    // the same printer: same address, and same serial when the dropped reading has one (under load a read can come back without it)
    if (storedReadings.some((s) => s.host === d.host && (!d.identity?.serial || s.identity?.serial === d.identity.serial) && s.readAt > d.readAt
      && counters.every(([k, c]) => (s.counters?.[k]?.value ?? -1) >= c.value))) covered++;
    else if (uncovered.length < 3) {
      const later = storedReadings.filter((s) => s.host === d.host && s.readAt > d.readAt).sort((a, b) => b.readAt.localeCompare(a.readAt))[0];
      uncovered.push(`${m.type} ${d.host} ${d.readAt} serial ${d.identity?.serial} ok ${d.ok} counters ${JSON.stringify(d.counters)}; newest later stored: ${later ? `${later.readAt} serial ${later.identity?.serial} ${JSON.stringify(later.counters)}` : 'none'}`);
    }
  }
}
const boundMessages = [...droppedBy.values()].filter((w) => w === 'bound').length;
const ageMessages = [...droppedBy.values()].filter((w) => w === 'age').length;
const quarantined = [...droppedBy.values()].filter((w) => w === 'quarantined').length;

if (lostIds.length) for (const e of journal()) if (e.messageIds?.some((id) => lostIds.includes(id))) console.log('journal:', JSON.stringify(e));
sim.stop();
if (mounted) spawnSync('umount', [data]);
rmSync(tmp, { recursive: true, force: true });
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const pk = (p) => (peak[p] ? `${peak[p].files} messages, ${kib(peak[p].bytes)}` : 'n/a');
console.log(`seed ${SEED}; ${(tortureMs / 1000).toFixed(0)} s in all; 20 simulated printers; collector SQLite in its own process; data folder ${mounted ? `on a ${TMPFS_MB} MiB tmpfs` : 'on the temp folder (not root: no tmpfs, phases 3 and 4 skipped)'}`);
console.log(`printers the agent tells apart (serial, else MAC, else address): ${distinct} of ${devices.length}`);
console.log(`1. week: collector down for ${DAYS} simulated days, a run every ${EVERY_H} h (${weekRuns} runs, exit codes ${JSON.stringify(weekExit)}); [spool] max_mb = ${SPOOL_MAX_MB}`);
console.log(`   spooled ${weekSpooled} messages; spool peak ${pk('week')} (bound ${kib(SPOOL_MAX_MB * 1048576)}); ${weekLeft} left when the collector came back`);
console.log(`   dropped at the bound (journaled, oldest readings first): ${perPhase.week?.droppedAtBound ?? 0} messages, ${droppedReadings} readings; of those, ${covered} are covered by a later stored reading of the same printer with every page counter as high${droppedContentUnknown ? ` (${droppedContentUnknown} dropped messages never seen whole)` : ''}`);
for (const u of uncovered) console.log(`   not covered: ${u}`);
console.log(`   collector back: the first run (exit ${weekBackExit}) delivered ${weekDelivered}; week messages stored ${perPhase.week?.stored ?? 0}, lost ${perPhase.week?.lost ?? 0}`);
console.log(`2. kills: amr run ${kills} SIGKILLed, ${normal} ran to the end (exit codes ${JSON.stringify(exitCodes)}), ${(killsMs / 1000).toFixed(0)} s`);
if (lockSample) console.log(`   first exit 5 said: ${lockSample}`);
console.log(`   collector: ${collectorKills} SIGKILLed, ${collectorStops} stopped (SIGTERM), ${collectorStarts} starts (all phases)`);
console.log(`   kills by phase (inferred from the journal and spool at the kill): ${JSON.stringify(phases)}`);
console.log(`   spool peak ${pk('kills')}`);
if (mounted) {
  console.log(`3. full disk: ${DISK_CYCLES} cycles, free bytes left ${JSON.stringify(disk.free)}; ${disk.tried} commands ran to the end (${JSON.stringify(disk.exit)}), ${disk.killed} SIGKILLed; delivered from the spool while full: ${disk.deliveredWhileFull}`);
  for (const l of disk.lines) console.log(`   said: ${l}`);
  console.log(`4. read-only: ${ro.tried} commands (${JSON.stringify(ro.exit)}); ${ro.spooledBefore} spooled before; the first run after remount rw delivered ${ro.deliveredAfter}`);
  for (const l of ro.lines) console.log(`   said: ${l}`);
}
console.log(`per phase (spooled / stored / dropped at bound / lost): ${Object.entries(perPhase).map(([p, v]) => `${p} ${v.spooled}/${v.stored}/${v.droppedAtBound}/${v.lost}`).join('; ')}`);
console.log(`messages the agent spooled: ${seen.size} (${unseenContent} stored but never seen whole); stored: ${stored.size}; readings stored: ${readingRows.length}; readings compared field by field: ${compared}`);
console.log(`dropped by the agent (journaled): at the spool bound ${boundMessages}, by max_age ${ageMessages}; quarantined ${quarantined}; left in the spool after the drain: ${leftInSpool.size}`);
console.log(`journal and run log lines that do not parse: ${tornLines}`);
console.log(`internal errors or stack traces: ${internalErrors.length}${internalErrors.length ? ': ' + internalErrors.slice(0, 3).join(' || ') : ''}`);
console.log(`LOST ${lost}  DUPLICATED ${duplicated}  CORRUPTED ${corrupted}  INVENTED ${invented}${lostIds.length ? '  lost ids: ' + lostIds.slice(0, 5).join(', ') : ''}`);
process.exit(lost || duplicated || corrupted || invented || internalErrors.length || tornLines ? 1 : 0);
