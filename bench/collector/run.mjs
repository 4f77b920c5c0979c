// Collector ingest rate: many simulated agents sending signed readings concurrently over
// real HTTP (keep-alive, one request in flight per agent, as agents do) to the real
// collector (`amr-collector serve`) in its own process. Usage:
//   node bench/collector/run.mjs [--seconds 10] [--agents 50] [--pg] [--write]
// Needs `npm install` in collector/ (builds collector/dist); --pg needs Debian's postgresql.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { enroll, openDb } from '../../collector/dist/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const SECONDS = Number(opt('seconds', '10'));
const AGENTS = Number(opt('agents', '50'));
const WRITE = args.includes('--write');
const PG = args.includes('--pg');
const HOST = '127.3.8.1';
const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'collector/bin/amr-collector.js');
const tmp = mkdtempSync(join(tmpdir(), 'amr-bench-collector-'));

function reading(agent, dev, n) {
  return {
    host: `10.${agent % 250}.${dev}.1`, readAt: new Date(Date.now() - 1000 + n).toISOString(), ok: true, error: null, reason: 'pages',
    identity: { serial: `SN-${agent}-${dev}`, ip: `10.0.${dev}.1`, mac: null, vendor: 'HP', model: 'LaserJet M607', firmware: '2409', hostname: null, location: null, sysObjectID: '1.3.6.1.4.1.11.2.3.9.1' },
    status: { device: 'running', printer: 'idle', errors: [] },
    counters: { total: { value: 10000 + n, unit: 'impressions' }, mono: { value: 6000 + n, unit: 'impressions' }, color: { value: 4000, unit: 'impressions' }, print: { value: 9000 + n, unit: 'impressions' }, copy: { value: 1000, unit: 'impressions' } },
    extraCounters: {},
    supplies: ['black', 'cyan', 'magenta', 'yellow'].map((color, i) => ({ description: `${color} toner`, type: 'toner', class: 'consumed', color, levelPercent: 80 - i * 10, state: 'ok' })),
    alerts: [], flags: [], profile: 'hp',
  };
}

/** Pre-built gzip bodies per agent (gzip is the agent's CPU, not the collector's). */
function bodies(agents, perMessage, count) {
  return agents.map((a, ai) => Array.from({ length: count }, (_, m) => {
    const readings = Array.from({ length: perMessage }, (_, r) => reading(ai, (m * perMessage + r) % 40, m * perMessage + r));
    const messageId = randomUUID();
    return { messageId, body: gzipSync(JSON.stringify({ protocol: 1, type: 'readings', messageId, agentId: a.agentId, customer: a.customer, agentVersion: 'bench', createdAt: new Date().toISOString(), readings })) };
  }));
}

function post(url, httpAgent, a, m) {
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v1=' + createHmac('sha256', a.key).update(`${ts}.`).update(m.body).digest('hex');
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/messages`, { method: 'POST', agent: httpAgent, headers: {
      'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': m.body.length,
      'x-amr-agent': a.agentId, 'x-amr-timestamp': String(ts), 'x-amr-signature': sig, 'x-bench-id': m.messageId,
    } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        const j = JSON.parse(text);
        if (res.statusCode !== 200 || !j.ok || j.messageId !== m.messageId) reject(new Error(`not acknowledged: ${res.statusCode} ${text}`));
        else resolve();
      });
    });
    req.on('error', reject);
    req.end(m.body);
  });
}

async function startServer(argv) {
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { url, child, stop: () => new Promise((r) => { child.removeAllListeners('exit'); child.on('exit', r); child.kill('SIGTERM'); }) };
}

async function scenario(name, db, perMessage, httpOnly = false) {
  const agents = [];
  if (db) {
    const d = await openDb(db);
    for (let i = 0; i < AGENTS; i++) agents.push({ ...(await enroll(d, `BENCH-${String(i % 10).padStart(4, '0')}`, `bench-${i}`)) });
    await d.close();
  } else for (let i = 0; i < AGENTS; i++) agents.push({ agentId: `bench-${i}`, key: 'k', customer: 'BENCH' });
  // Enough messages for 4,000 readings/s for the whole run.
  const perAgent = Math.ceil((4000 * SECONDS) / perMessage / AGENTS) + 5;
  const msgs = bodies(agents, perMessage, perAgent);
  const server = httpOnly
    ? await startServer([join(root, 'bench/collector/http-only.mjs'), HOST])
    : await startServer([bin, '--db', db, 'serve', '--host', HOST, '--port', '0', '--tcp-port', '0', '--udp-ports', '']);
  const httpAgent = new Agent({ keepAlive: true, maxSockets: AGENTS });
  const lat = [];
  let sent = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(agents.map(async (a, ai) => {
    for (const m of msgs[ai]) {
      if (performance.now() >= deadline) break;
      const t = performance.now();
      await post(server.url, httpAgent, a, m);
      lat.push(performance.now() - t);
      sent++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  httpAgent.destroy();
  await server.stop();
  let stored = sent * perMessage;
  if (db) {
    const d = await openDb(db);
    stored = Number((await d.get('SELECT COUNT(*) AS n FROM readings')).n);
    await d.close();
  }
  lat.sort((x, y) => x - y);
  const r = {
    name, perMessage, messages: sent, readings: sent * perMessage, stored, seconds: elapsed,
    readingsPerSec: Math.round((sent * perMessage) / elapsed), messagesPerSec: Math.round(sent / elapsed),
    p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)],
  };
  if (db && stored !== r.readings) throw new Error(`${name}: acknowledged ${r.readings} readings but ${stored} stored`);
  process.stderr.write(`${name}: ${r.readingsPerSec} readings/s, ${r.messagesPerSec} messages/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${stored} stored\n`);
  return r;
}

const results = [];
let pgDir;
try {
  results.push(await scenario('SQLite file, 10 readings per message', `sqlite:${join(tmp, 'a.db')}`, 10));
  results.push(await scenario('SQLite file, 1 reading per message', `sqlite:${join(tmp, 'b.db')}`, 1));
  if (PG) {
    pgDir = mkdtempSync(join(tmpdir(), 'amr-bench-pg-'));
    const url = execFileSync('bash', [join(root, 'collector/test/pg-setup.sh'), 'start', pgDir, '57391'], { encoding: 'utf8' }).trim();
    results.push(await scenario('PostgreSQL 15 (loopback, fsync off), 10 readings per message', url, 10));
  }
  results.push(await scenario('peer: bare Node HTTP server, no checks, no storage, 10 readings per message', null, 10, true));
} finally {
  if (pgDir) {
    execFileSync('bash', [join(root, 'collector/test/pg-setup.sh'), 'stop', pgDir]);
    rmSync(pgDir, { recursive: true, force: true });
  }
  rmSync(tmp, { recursive: true, force: true });
}

const fmt = (n) => n.toLocaleString('en-US');
const table = [
  `${SECONDS} s per row, ${AGENTS} agents each with one request in flight (keep-alive), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores. A reading: 5 counters, 4 supplies. Every acknowledged reading was found stored afterwards.`,
  '',
  '| scenario | readings/s | messages/s | p50 latency | p99 latency |',
  '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.name} | ${fmt(r.readingsPerSec)} | ${fmt(r.messagesPerSec)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms |`),
].join('\n');
process.stdout.write(table + '\n');

if (WRITE) {
  const file = join(root, 'bench/README.md');
  let text = readFileSync(file, 'utf8');
  const section = `## collector

\`node bench/collector/run.mjs [--pg] [--write]\`: ${AGENTS} simulated agents post signed, gzip'd
messages concurrently over real HTTP to \`amr-collector serve\` running in its own process
(signature, timestamp and schema checks, dedup, each message atomic, latest device state,
supplies; on SQLite, messages that arrive while one is being written share one commit, each in
its own savepoint, and are acknowledged only after that commit). The load generator pre-builds the gzip bodies and signs each request.
Target: at least 2,000 readings/s on SQLite on this 2-core machine. The peer in the same
script is a bare Node HTTP server that only reads the body and acks: the HTTP ceiling of
this load on this machine. Needs \`npm install\` in collector/; --pg needs Debian's postgresql.

<!-- collector:begin -->
${table}
<!-- collector:end -->
`;
  if (/## collector\n[\s\S]*?<!-- collector:end -->\n/.test(text)) text = text.replace(/## collector\n[\s\S]*?<!-- collector:end -->\n/, section);
  else text = text.trimEnd() + '\n\n' + section;
  writeFileSync(file, text);
  process.stderr.write(`wrote ${file}\n`);
}
