// bench/hostile: amr against SNMP agents that lie, stall and attack (issue 13, "Hostile input").
// One process serves, on loopback, a fake agent per kind of hostility: random bytes, truncated
// and oversized BER, wrong request ids, OIDs that never end or go backwards, 64 KB packets,
// very slow replies, and the real simulator with every text field replaced by terminal escapes,
// HTML/script, SQL, invalid UTF-8 and the longest strings a datagram carries. Then `amr read`
// (summary and --json), `amr discover` and `amr run` go at them, and we check: no hang (each
// command within its bound), no crash (no exit 70, no signal), bounded memory (peak RSS), and
// no raw control sequence in what is printed. Prints the counts tried.
// Run: npm run build && node bench/hostile/run.mjs   (loopback only: 127.0.61.x)
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, encodeCommunityMessage, encodePdu } from '../../dist/snmp/ber.js';
import { parseSnmprec } from '../../dist/snmp/snmprec.js';
import { SimDevice } from '../../dist/sim/device.js';
import { respond } from '../../dist/sim/agent.js';

const root = new URL('../..', import.meta.url).pathname;
const PORT = 16191;
const BASE = '127.0.61';
const recording = parseSnmprec(readFileSync(join(root, 'test/fixtures/devices/printers/konica_c250i.snmprec'), 'utf8'), 'konica', () => {});

// Text every field gets, in turn: what a hostile or broken device might put in a string.
const NASTY = [
  Buffer.from('\u001b]0;owned\u0007\u001b[2J\u001b[31mFAKE\r\nserial     EVIL'),
  Buffer.from('\u009b31m C1 CSI \u0085 NEL \u202eRLO\u2066 isolate'),
  Buffer.from('<script>alert(1)</script><img src=x onerror=alert(2)>'),
  Buffer.from("'; DROP TABLE readings; --"),
  Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0x00, 0x1b]),
  Buffer.alloc(60_000, 'A'), // the most a UDP datagram carries (an SNMP string can be no longer)
];
let n = 0;
const nastyVarbinds = recording.map((vb) => (Buffer.isBuffer(vb.value) && !vb.oid.startsWith('1.3.6.1.2.1.2.2.1.6') ? { ...vb, value: NASTY[n++ % NASTY.length] } : vb));
// A 10,000-row supplies table for the slow agent: an endless slow walk.
const bigTable = [...recording.filter((v) => !v.oid.startsWith('1.3.6.1.2.1.43.11.')),
  ...Array.from({ length: 10_000 }, (_, i) => ({ oid: `1.3.6.1.2.1.43.11.1.1.9.1.${i + 1}`, type: 'Integer', value: i % 100 }))];

const real = new SimDevice({ address: `${BASE}.200`, port: PORT, varbinds: recording, maxMessageSize: 65_000 });
const nasty = new SimDevice({ address: `${BASE}.201`, port: PORT, varbinds: nastyVarbinds, maxMessageSize: 65_000 });
const slow = new SimDevice({ address: `${BASE}.202`, port: PORT, varbinds: bigTable });

const reply = (raw, pdu) => encodeCommunityMessage({ version: raw.version, community: raw.community, pdu }, encodePdu(pdu));
const random = (len) => Buffer.from(Array.from({ length: len }, () => Math.floor(Math.random() * 256)));
const KINDS = {
  random: () => random(1 + Math.floor(Math.random() * 1400)),
  truncated: (buf) => { const r = respond(real, buf); return r && r.subarray(0, Math.max(1, Math.floor(Math.random() * r.length))); },
  oversizedBer: (buf) => { const r = respond(real, buf); return r && Buffer.concat([Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]), r.subarray(2)]); },
  wrongRequestId: (buf) => { const r = respond(real, buf); if (!r) return null; const m = decodeMessage(r); return reply(m, { ...m.pdu, requestId: (m.pdu.requestId + 1) | 0 }); },
  endlessOids: (buf) => {
    const m = decodeMessage(buf);
    if (m.pdu.type === 'GetRequest') return respond(real, buf);
    // Every "next" is the asked OID plus one more arc: inside the column, increasing, never ending.
    return reply(m, { type: 'GetResponse', requestId: m.pdu.requestId, errorStatus: 0, errorIndex: 0,
      varbinds: m.pdu.varbinds.map((vb) => ({ oid: `${vb.oid}.1`, type: 'Integer', value: 1 })) });
  },
  backwardsOids: (buf) => {
    const m = decodeMessage(buf);
    if (m.pdu.type === 'GetRequest') return respond(real, buf);
    return reply(m, { type: 'GetResponse', requestId: m.pdu.requestId, errorStatus: 0, errorIndex: 0,
      varbinds: m.pdu.varbinds.map(() => ({ oid: '1.3.6.1.2.1.1.1.0', type: 'OctetString', value: Buffer.from('back') })) });
  },
  packets64k: (buf) => {
    const m = decodeMessage(buf);
    return reply(m, { type: 'GetResponse', requestId: m.pdu.requestId, errorStatus: 0, errorIndex: 0,
      varbinds: m.pdu.varbinds.map((vb, i) => ({ oid: vb.oid, type: 'OctetString', value: Buffer.alloc(i === 0 ? 64_000 : 1, 'Z') })) });
  },
  slowEndless: async (buf) => { await new Promise((r) => setTimeout(r, 400)); return respond(slow, buf); },
  nastyText: (buf) => respond(nasty, buf),
  silent: () => null,
};
const names = Object.keys(KINDS);
const hosts = names.map((_, i) => `${BASE}.${i + 1}`);
const counts = Object.fromEntries(names.map((k) => [k, 0]));

const sockets = await Promise.all(names.map((kind, i) => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.on('message', async (msg, rinfo) => {
    counts[kind]++;
    let out = null;
    try { out = await KINDS[kind](msg); } catch { out = random(64); }
    if (out && out.length) s.send(out.subarray(0, 65_507), rinfo.port, rinfo.address, () => {});
  });
  s.bind(PORT, hosts[i], () => resolve(s));
})));

// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
function amr(args, limitMs, env = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(root, 'bench/lib/amr-rss.mjs'), ...args], { env: { ...process.env, NO_COLOR: '1', AMR_CONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const rss = Number(/maxRSS=(\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ code, signal, ms: Date.now() - t0, stdout, stderr: stderr.replace(/maxRSS=\d+\n/, ''), rssMb: Math.round(rss / 1024) });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'amr-hostile-'));
const results = [];
const check = (label, r, limitMs, maxRssMb) => {
  const problems = [];
  if (r.signal) problems.push(`killed by ${r.signal} (hung past ${limitMs / 1000} s)`);
  if (r.code === 70) problems.push('internal error (crash)');
  if (/\n\s+at .*\.js:\d+/.test(r.stderr)) problems.push('stack trace');
  if (ACTIVE.test(r.stdout.replace(/\n/g, '')) || ACTIVE.test(r.stderr.replace(/\n/g, ''))) problems.push('raw control characters printed');
  if (r.rssMb > maxRssMb) problems.push(`peak RSS ${r.rssMb} MB over ${maxRssMb} MB`);
  results.push({ label, exit: r.code, seconds: (r.ms / 1000).toFixed(1), rssMb: r.rssMb, problems });
};
try {
  const common = ['--port', String(PORT), '--timeout', '1s', '--retries', '0', '--community', 'public', '--no-web'];
  const LIMIT = 120_000;
  if (process.env.PEEK) { // what a technician sees, for a look by eye
    const r = await amr(['read', ...hosts, ...common], LIMIT);
    console.log(r.stdout.split('\n').filter((l) => /^127|FAILED|!/.test(l)).map((l) => l.slice(0, 200)).join('\n'));
  }
  check('amr read (summary)', await amr(['read', ...hosts, ...common], LIMIT), LIMIT, 200);
  check('amr read --json', await amr(['read', ...hosts, ...common, '--json'], LIMIT), LIMIT, 200);
  check('amr read --explain', await amr(['read', `${BASE}.9`, ...common, '--explain'], LIMIT), LIMIT, 200);
  const data = join(work, 'agent');
  const config = join(work, 'config.ini');
  writeFileSync(config, ['[agent]', 'customer = HOSTILE-1', 'id = hostile-pc', `data_dir = ${data}`,
    '[server]', 'urls = http://127.0.0.1:9/amr', 'agent_key = ' + 'k'.repeat(43), 'allow_http = true', 'tcp_port = 0', 'udp_ports =', 'timeout = 2s',
    '[proxy]', 'url = none', '[snmp]', `port = ${PORT}`, 'timeout = 1s', 'retries = 0', 'communities = public',
    '[discovery]', `targets = ${BASE}.1-${BASE}.${hosts.length}`, 'rate = 0', 'timeout = 1s', '[web]', 'enabled = false'].join('\n') + '\n');
  check('amr discover', await amr(['discover', '--config', config, '--all'], LIMIT), LIMIT, 200);
  check('amr run', await amr(['run', '--config', config], LIMIT * 2), LIMIT * 2, 250);
} finally {
  for (const s of sockets) s.close();
  rmSync(work, { recursive: true, force: true });
}

const tried = Object.values(counts).reduce((a, b) => a + b, 0);
console.log(`hostile agents: ${names.length} kinds (${names.join(', ')}); ${NASTY.length} hostile strings in ${n} text fields`);
console.log(`datagrams answered with hostility: ${tried} (${names.map((k) => `${k} ${counts[k]}`).join(', ')})`);
console.log('command                 exit   seconds  peak RSS  problems');
for (const r of results) console.log(`${r.label.padEnd(23)} ${String(r.exit).padEnd(6)} ${r.seconds.padStart(7)}  ${String(r.rssMb).padStart(5)} MB  ${r.problems.join('; ') || 'none'}`);
const bad = results.filter((r) => r.problems.length).length;
console.log(`crashed/hung/unbounded/raw-control: ${bad} of ${results.length} commands`);
process.exitCode = bad ? 1 : 0;
