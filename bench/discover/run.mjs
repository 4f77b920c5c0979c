// Benchmark for `amr discover` (issue 3): sweep a /16 of 127.x where 254 simulated
// devices answer (printers, printer stubs and non-printers from test/fixtures/devices,
// repeated), and run Debian's onesixtyone over the same range in the same script.
// Prints both times, their ratio, addresses/s, peak RSS, precision and recall; also a
// /24 sweep against its target (timeout + 0.5 s). `--write` puts the figures into bench/README.md.
// Needs: npm run build; apt-get install onesixtyone. Loopback only (127.0.0.0/8).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { timed } from '../lib/fleet-process.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = `${root}test/fixtures/devices`;
const PREFIX = '127.99';
const PORT = 24161;
const TIMEOUT = '1500ms'; // [discovery] timeout default
const runs = Number(process.env.RUNS ?? 3);
const dataDir = '/tmp/amr-bench-discover';
mkdirSync(dataDir, { recursive: true });
writeFileSync(`${dataDir}/config.ini`, '[agent]\ncustomer = BENCH\n');

function startFleet() {
  const child = spawn(process.execPath, [`${root}bench/discover/fleet.mjs`, PREFIX, String(PORT), '254', `${fixtures}/printers`, `${fixtures}/detect`, `${fixtures}/others`], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).once('line', (l) => resolve({
      devices: JSON.parse(l).devices,
      stop: () => { child.stdin.end(); return new Promise((r) => child.on('exit', r)); },
    }));
  });
}

function score(found, truth) {
  const tp = [...found].filter((ip) => truth.has(ip)).length;
  return { precision: found.size ? tp / found.size : 0, recall: truth.size ? tp / truth.size : 0 };
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const fleet = await startFleet();
const truth = new Set(fleet.devices.filter(([, name]) => !name.startsWith('others/')).map(([a]) => a));
const amrArgs = (target) => [`${root}bench/lib/amr-rss.mjs`, 'discover', target, '--port', String(PORT), '--rate', '0', '--retries', '0',
  '--timeout', TIMEOUT, '--community', 'public', '--json', '--no-save', '--data-dir', dataDir, '--config', `${dataDir}/config.ini`];
const onlyArgs = (target) => [`${root}bench/discover/discover-only.mjs`, ...amrArgs(target).slice(1)];
const results = { amr: [], one: [], amr24: [], only: [], only24: [] };
let onlyRss = 0;
let amrScore;
let oneScore;
let amrRss = 0;
let oneRss = 0;
try {
  for (let i = 0; i < runs; i++) {
    const a = await timed(process.execPath, amrArgs(`${PREFIX}.0.0/16`));
    if (a.code !== 0) throw new Error(`amr discover failed: ${a.stderr}`);
    const doc = JSON.parse(a.stdout);
    amrScore = score(new Set(doc.printers.flatMap((p) => p.ips)), truth);
    amrRss = Math.max(amrRss, Number(/maxRSS=(\d+)/.exec(a.stderr)[1]) / 1024);
    results.amr.push(a.ms);

    const o = await timed('/usr/bin/time', ['-f', 'maxRSS=%M', 'onesixtyone', '-w', '0', '-p', String(PORT), `${PREFIX}.0.0/16`, 'public']);
    const answered = new Set(o.stdout.split('\n').map((l) => /^(\d+\.\d+\.\d+\.\d+) \[/.exec(l)?.[1]).filter(Boolean));
    oneScore = { ...score(answered, truth), answered: answered.size };
    oneRss = Math.max(oneRss, Number(/maxRSS=(\d+)/.exec(o.stderr)[1]) / 1024);
    results.one.push(o.ms);

    const s = await timed(process.execPath, amrArgs(`${PREFIX}.0.0/24`));
    results.amr24.push(s.ms);

    const b = await timed(process.execPath, onlyArgs(`${PREFIX}.0.0/16`));
    if (b.code !== 0) throw new Error(`discover-only failed: ${b.stderr}`);
    const bdoc = JSON.parse(b.stdout);
    if (score(new Set(bdoc.printers.flatMap((p) => p.ips)), truth).recall !== 1) throw new Error('discover-only missed printers');
    onlyRss = Math.max(onlyRss, Number(/maxRSS=(\d+)/.exec(b.stderr)[1]) / 1024);
    results.only.push(b.ms);
    results.only24.push((await timed(process.execPath, onlyArgs(`${PREFIX}.0.0/24`))).ms);
  }
} finally {
  await fleet.stop();
}

const amrMs = median(results.amr);
const oneMs = median(results.one);
const a24 = median(results.amr24);
const o16 = median(results.only);
const o24 = median(results.only24);
const version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'onesixtyone']).toString();
const lines = [
  `Median of ${runs} runs, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${PREFIX}.0.0/16 (65,534 addresses), 254 devices answering (${truth.size} printers).`,
  '',
  '| | amr discover | onesixtyone ' + version + ' |',
  '|---|---|---|',
  `| /16 wall time | ${(amrMs / 1000).toFixed(2)} s (with identification) | ${(oneMs / 1000).toFixed(2)} s (probe only, \`-w 0\`) |`,
  `| ratio amr / onesixtyone | ${(amrMs / oneMs).toFixed(2)} (target <= 0.6) | 1 |`,
  `| addresses per second | ${Math.round(65534 / (amrMs / 1000)).toLocaleString('en')} | ${Math.round(65534 / (oneMs / 1000)).toLocaleString('en')} |`,
  `| peak RSS | ${amrRss.toFixed(0)} MB (target <= 100) | ${oneRss.toFixed(1)} MB |`,
  `| printer precision | ${pct(amrScore.precision)} | ${pct(oneScore.precision)} (it reports every responder: ${oneScore.answered}) |`,
  `| printer recall | ${pct(amrScore.recall)} | ${pct(oneScore.recall)} |`,
  `| /24 wall time | ${(a24 / 1000).toFixed(2)} s (target <= timeout ${TIMEOUT} + 0.5 s) | |`,
  '',
  'The same sweeps with only the discover command loaded (`bench/discover/discover-only.mjs`;',
  'the CLI loads other commands\' libraries only when they run, so the two should agree):',
  '',
  '| | discover only |',
  '|---|---|',
  `| /16 wall time | ${(o16 / 1000).toFixed(2)} s, ratio ${(o16 / oneMs).toFixed(2)} |`,
  `| /24 wall time | ${(o24 / 1000).toFixed(2)} s |`,
  `| peak RSS | ${onlyRss.toFixed(0)} MB |`,
];
const text = lines.join('\n');
process.stdout.write(text + '\n');
if (process.argv.includes('--write')) {
  const readme = `${root}bench/README.md`;
  const begin = '<!-- discover:begin -->';
  const end = '<!-- discover:end -->';
  let md = readFileSync(readme, 'utf8');
  const block = `${begin}\n${text}\n${end}`;
  md = md.includes(begin) ? md.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block) : md;
  writeFileSync(readme, md);
}
