// The collector under attack: 50 agents for 60 s against `amr-collector serve` (SQLite, own
// process), good messages mixed with forged, replayed, stale, oversized, gzip-bomb, deeply
// nested and stranger's messages. Checks that every good message is stored exactly once,
// every bad one is refused with its status and code, the server's memory stays bounded, and
// that unauthenticated UDP datagrams never get more bytes back than they sent.
//   node bench/collector/hostile.mjs [--seconds 60] [--agents 50] [--write]
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { enroll, openDb } from '../../collector/dist/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const SECONDS = Number(opt('seconds', '60'));
const AGENTS = Number(opt('agents', '50'));
const HOST = '127.3.8.2';
const root = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'amr-bench-hostile-'));
const dbUrl = `sqlite:${join(tmp, 'h.db')}`;
process.env.AMR_COLLECTOR_KEY_FILE = join(tmp, 'h.key');
const env = process.env;

const reading = (a, n) => ({
  host: '10.0.0.1', readAt: new Date().toISOString(), ok: true, error: null, reason: 'pages',
  identity: { serial: `SN-${a}-${n % 20}`, ip: '10.0.0.1', mac: null, vendor: 'HP', model: 'M607', firmware: null, hostname: null, location: null, sysObjectID: null },
  status: { device: 'running', printer: 'idle', errors: [] }, counters: { total: { value: 1000 + n, unit: 'impressions' } }, extraCounters: {},
  supplies: [], alerts: [], flags: [], profile: null,
});
const body = (a, id, extra = {}) => gzipSync(JSON.stringify({ protocol: 1, type: 'readings', messageId: id, agentId: a.agentId, customer: a.customer, agentVersion: 'bench', createdAt: new Date().toISOString(), readings: [reading(a.i, a.n++)], ...extra }));
const sig = (key, ts, b) => 'v1=' + createHmac('sha256', key).update(`${ts}.`).update(b).digest('hex');
const BIG = randomBytes(300 * 1024);
const BOMB = gzipSync(Buffer.concat([Buffer.from('{"protocol":1,"pad":"'), Buffer.alloc(6 * 1024 * 1024, 0x20), Buffer.from('"}')]));
const NESTED = gzipSync('{"protocol":1,"x":' + '['.repeat(20000) + ']'.repeat(20000) + '}');

function post(url, httpAgent, agentId, key, b, ts = Math.floor(Date.now() / 1000)) {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/messages`, { method: 'POST', agent: httpAgent, headers: {
      'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': b.length,
      'x-amr-agent': agentId, 'x-amr-timestamp': String(ts), 'x-amr-signature': sig(key, ts, b),
    } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => { let j = {}; try { j = JSON.parse(text); } catch { /* not JSON */ } resolve({ status: res.statusCode, body: j }); });
    });
    req.on('error', (e) => resolve({ status: 0, body: { error: e.code } }));
    req.end(b);
  });
}

const KINDS = [
  // [name, weight, expected status, expected code]
  ['good', 60, 200, null], ['duplicate', 6, 200, null], ['forged', 6, 401, 'bad_signature'], ['stale', 6, 401, 'clock_skew'],
  ['stranger', 6, 401, 'unknown_agent'], ['oversized', 4, 413, 'too_large'], ['bomb', 4, 413, 'too_large'], ['nested', 4, 400, 'invalid'],
  ['other-agent-id', 4, 200, null],
];
const pick = () => { let r = Math.random() * 100; for (const k of KINDS) { if ((r -= k[1]) < 0) return k; } return KINDS[0]; };

async function run(seconds, hostile) {
  const d = await openDb(dbUrl);
  const agents = [];
  for (let i = 0; i < AGENTS; i++) agents.push({ ...(await enroll(d, `HOST-${i % 10}`, `${hostile ? 'h' : 'c'}-${i}-${randomUUID().slice(0, 4)}`)), i, n: 0, acked: [] });
  await d.close();
  const child = spawn(process.execPath, [join(root, 'collector/bin/amr-collector.js'), '--db', dbUrl, 'serve', '--host', HOST, '--port', '0', '--tcp-port', '0', '--udp-ports', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => { err += c; const m = /listening on (http:\/\/[\d.]+:\d+).*udp (\d+)/.exec(err); if (m) resolve(m[1]); });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const udpPort = Number(/udp (\d+)/.exec(err)[1]);
  let peakRss = 0;
  const sampler = setInterval(() => {
    try { peakRss = Math.max(peakRss, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024); } catch { /* gone */ }
  }, 250);
  const httpAgent = new Agent({ keepAlive: true, maxSockets: AGENTS });
  const tally = new Map(KINDS.map((k) => [k[0], { sent: 0, right: 0, wrong: [] }]));
  const deadline = performance.now() + seconds * 1000;
  let good = 0;
  await Promise.all(agents.map(async (a, ai) => {
    while (performance.now() < deadline) {
      const [kind, , wantStatus, wantCode] = hostile ? pick() : KINDS[0];
      const id = randomUUID();
      let r;
      let sentBody = null;
      if (kind === 'good') r = await post(url, httpAgent, a.agentId, a.key, (sentBody = body(a, id)));
      else if (kind === 'duplicate') {
        const prev = a.acked[Math.floor(Math.random() * a.acked.length)];
        if (!prev) continue;
        r = await post(url, httpAgent, a.agentId, a.key, prev.body);
        if (r.body.duplicate !== true) r.status = -1;
      } else if (kind === 'forged') r = await post(url, httpAgent, a.agentId, randomBytes(32).toString('base64url'), body(a, id));
      else if (kind === 'stale') r = await post(url, httpAgent, a.agentId, a.key, a.acked[0]?.body ?? body(a, id), Math.floor(Date.now() / 1000) - 3600);
      else if (kind === 'stranger') r = await post(url, httpAgent, `stranger-${ai}`, a.key, body(a, id));
      else if (kind === 'oversized') r = await post(url, httpAgent, a.agentId, a.key, BIG);
      else if (kind === 'bomb') r = await post(url, httpAgent, a.agentId, a.key, BOMB);
      else if (kind === 'nested') r = await post(url, httpAgent, a.agentId, a.key, NESTED);
      else {
        // Another agent's pending message id first (ids are not secrets): the owner's message must still be stored.
        const other = agents[(ai + 1) % agents.length];
        const mine = body(a, id);
        const theirs = body(other, id);
        const first = await post(url, httpAgent, other.agentId, other.key, theirs);
        if (first.status === 200 && first.body.duplicate === false) { other.acked.push({ id, body: theirs }); good++; }
        r = await post(url, httpAgent, a.agentId, a.key, mine);
        if (r.status === 200 && r.body.duplicate === false) { a.acked.push({ id, body: mine }); good++; }
        if (r.body.duplicate !== false) r.status = -1;
      }
      const t = tally.get(kind);
      t.sent++;
      if (r.status === wantStatus && (wantCode === null || r.body.code === wantCode)) t.right++;
      else if (t.wrong.length < 3) t.wrong.push(`${r.status} ${JSON.stringify(r.body)}`);
      if (kind === 'good' && r.status === 200 && r.body.duplicate === false) { a.acked.push({ id, body: sentBody }); good++; }
    }
  }));
  httpAgent.destroy();
  // UDP amplification: unauthenticated datagrams of every size from 1 to 1,200 bytes.
  // One socket per datagram, so every reply is counted against the datagram it answers.
  const one = (size) => new Promise((resolve) => {
    const s = createSocket('udp4');
    const p = size > 20 ? Buffer.concat([Buffer.from(`AMR1 x-${size} ${Math.floor(Date.now() / 1000)} v1=00\n`), randomBytes(size)]).subarray(0, size) : randomBytes(size);
    let got = 0; let replies = 0;
    s.on('message', (m) => { got += m.length; replies++; });
    s.send(p, udpPort, HOST, () => setTimeout(() => { s.close(); resolve({ sent: p.length, got, replies }); }, 150));
  });
  const amp = { datagrams: 0, sentBytes: 0, gotBytes: 0, replies: 0, worst: 0 };
  for (let size = 1; size <= 1200; size += 40) {
    for (const r of await Promise.all(Array.from({ length: 40 }, (_, k) => one(Math.min(1200, size + k))))) {
      amp.datagrams++; amp.sentBytes += r.sent; amp.gotBytes += r.got; amp.replies += r.replies; amp.worst = Math.max(amp.worst, r.got / r.sent);
    }
  }
  clearInterval(sampler);
  await new Promise((r) => { child.removeAllListeners('exit'); child.on('exit', r); child.kill('SIGTERM'); });
  // Every acknowledged good message stored exactly once, under its own agent.
  const db = await openDb(dbUrl);
  let missing = 0; let doubled = 0;
  for (const a of agents) {
    for (const m of a.acked) {
      const n = Number((await db.get('SELECT COUNT(*) AS n FROM readings WHERE agent_id = ? AND message_id = ?', [a.agentId, m.id])).n);
      if (n === 0) missing++;
      if (n > 1) doubled++;
    }
  }
  await db.close();
  return { seconds, tally: [...tally.entries()], good, missing, doubled, peakRss, amp };
}

try {
  const clean = await run(Math.min(15, SECONDS), false);
  const hostile = await run(SECONDS, true);
  const mb = (b) => (b / 1048576).toFixed(0);
  const bad = hostile.tally.filter(([k]) => !['good', 'duplicate', 'other-agent-id'].includes(k));
  const lines = [
    `${AGENTS} agents, ${hostile.seconds} s, SQLite, \`amr-collector serve\` in its own process, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    '',
    '| kind | sent | answered as expected | expected |',
    '|---|---|---|---|',
    ...hostile.tally.map(([k, t]) => `| ${k} | ${t.sent.toLocaleString('en-US')} | ${t.right.toLocaleString('en-US')} | ${KINDS.find((x) => x[0] === k).slice(2).filter((x) => x !== null).join(' ')}${k === 'duplicate' ? ' duplicate:true' : ''}${k === 'other-agent-id' ? ' duplicate:false' : ''} |`),
    '',
    `Good messages acknowledged: ${hostile.good.toLocaleString('en-US')}; missing in the database: ${hostile.missing}; stored twice: ${hostile.doubled}. ` +
      `Bad messages: ${bad.reduce((s, [, t]) => s + t.sent, 0).toLocaleString('en-US')}, refused with the expected status and code: ${bad.reduce((s, [, t]) => s + t.right, 0).toLocaleString('en-US')}.`,
    `Server peak RSS: ${mb(hostile.peakRss)} MB under attack vs ${mb(clean.peakRss)} MB clean (${(hostile.peakRss / clean.peakRss).toFixed(2)}x). ` +
      `Good messages stored per second: ${(hostile.good / hostile.seconds).toFixed(0)} under attack vs ${(clean.good / clean.seconds).toFixed(0)} with only good messages at the same concurrency (${(hostile.good / hostile.seconds / (clean.good / clean.seconds)).toFixed(2)}x; about 64 % of the attack run's requests were good).`,
    `UDP: ${hostile.amp.datagrams.toLocaleString('en-US')} unauthenticated datagrams of 1-1,200 bytes (${hostile.amp.sentBytes.toLocaleString('en-US')} bytes) got ${hostile.amp.replies} replies, ${hostile.amp.gotBytes.toLocaleString('en-US')} bytes: amplification ${(hostile.amp.gotBytes / hostile.amp.sentBytes).toFixed(3)}x overall, worst single datagram ${hostile.amp.worst.toFixed(2)}x (never above 1).`,
  ];
  for (const [k, t] of hostile.tally) if (t.wrong.length) lines.push(`unexpected ${k}: ${t.wrong.join('; ')}`);
  const text = lines.join('\n');
  process.stdout.write(text + '\n');
  if (args.includes('--write')) {
    const file = join(root, 'bench/README.md');
    let readme = readFileSync(file, 'utf8');
    const section = `## collector under attack\n\n\`node bench/collector/hostile.mjs [--seconds 60] [--agents 50] [--write]\` (needs collector/dist): good messages mixed with\nforged, replayed (duplicate and stale), stranger's, oversized (300 KB), gzip-bomb (6 MB of JSON in a few KB), 20,000-deep\nnested and another agent's same message id; then unauthenticated UDP datagrams of every size.\n\n<!-- hostile:begin -->\n${text}\n<!-- hostile:end -->\n`;
    if (/## collector under attack\n[\s\S]*?<!-- hostile:end -->\n/.test(readme)) readme = readme.replace(/## collector under attack\n[\s\S]*?<!-- hostile:end -->\n/, section);
    else readme = readme.trimEnd() + '\n\n' + section;
    writeFileSync(file, readme);
  }
  if (hostile.missing || hostile.doubled || bad.some(([, t]) => t.right !== t.sent) || hostile.amp.worst > 1) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
