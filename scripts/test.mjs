// `npm test`: what a newcomer runs on a fresh clone after `npm ci`. Installs the Debian
// packages the tests use as real parts when they are missing (as root; otherwise one line
// naming the apt-get command), builds in order (@amr/protocol, agent, collector, then the
// type check of the tests), runs the agent's and the collector's suites side by side with
// TMPDIR pointing at one folder of its own, and removes that folder afterwards; a run
// whose tests left anything in it fails, naming what was left.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// The real parts: SNMP agent and tools, the reference sweeper, authenticating proxies,
// PostgreSQL, the XML schema validator, an NTLM relay, Chromium, systemd-analyze.
export const DEBIAN_PACKAGES = ['snmpsim', 'snmp', 'onesixtyone', 'squid', 'tinyproxy-bin', 'apache2-utils', 'postgresql', 'libxml2-utils', 'cntlm', 'chromium', 'systemd'];

function missingPackages() {
  if (spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status !== 0) {
    process.stderr.write('npm test: this is not a Debian system (no dpkg); the tests need these Debian packages: ' + DEBIAN_PACKAGES.join(' ') + '\n');
    process.exit(2);
  }
  return DEBIAN_PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
}

const missing = missingPackages();
if (missing.length) {
  const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`npm test: missing Debian packages; as root run: apt-get update && ${cmd}\n`);
    process.exit(2);
  }
  process.stderr.write(`npm test: installing ${missing.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  // The packaged services are not wanted running; tests start their own on loopback.
  for (const svc of ['squid', 'tinyproxy', 'postgresql']) spawnSync('service', [svc, 'stop'], { stdio: 'ignore' });
}

// One temp folder for the whole run; 0711 so squid and PostgreSQL (their own users) reach
// the folders tests make for them, while nobody else can list what is inside.
const tmp = mkdtempSync(join(tmpdir(), 'amr-test-'));
chmodSync(tmp, 0o711);
const env = { ...process.env, TMPDIR: tmp };
// Builds, in the order they need each other, stop the run at the first failure: the
// protocol package and the agent, then the collector's dependencies (first run only) and
// build (the agent's e2e tests import it).
const builds = [
  ['npm', ['run', 'build', '--silent']],
  ['node', ['scripts/ensure-collector.mjs']],
  ['npm', ['--prefix', 'collector', 'run', 'build', '--silent']],
];
// Then, side by side: the agent's suite, the collector's, and the type check of src and
// tests (incremental: a second run checks only what changed). The suites run with only a
// loopback interface where the machine allows it (root): nothing a test does can reach
// another network (scripts/loopback-only.sh); each has its own namespace, so their
// servers never meet. On two cores this takes about the time of the agent's suite alone.
const loopbackOnly = ['sh', join(root, 'scripts', 'loopback-only.sh')];
const vitest = (dir) => join(dir, 'node_modules', 'vitest', 'vitest.mjs');
const suites = [
  { name: 'agent suite', cwd: root, cmd: loopbackOnly[0], args: [loopbackOnly[1], process.execPath, vitest(root), 'run', ...process.argv.slice(2)] },
  { name: 'collector suite', cwd: join(root, 'collector'), cmd: loopbackOnly[0], args: [loopbackOnly[1], process.execPath, vitest(join(root, 'collector')), 'run'] },
  { name: 'type check of src and tests', cwd: root, cmd: process.execPath, args: [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json'] },
];
const run = ([cmd, args]) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;

/** Starts a step; the first one's output goes to the terminal as it comes, the others' is kept. */
function start({ name, cwd, cmd, args }, live) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'] });
  const chunks = [];
  child.stdout?.on('data', (c) => chunks.push(c));
  child.stderr?.on('data', (c) => chunks.push(c));
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ name, status: 1, output: Buffer.from(`npm test: cannot start the ${name}: ${e.message}\n`) }));
    child.on('close', (code) => resolve({ name, status: code ?? 1, output: Buffer.concat(chunks) }));
  });
}

/** All steps at once; each kept output is shown in one piece once the steps before it have been. */
async function runSideBySide() {
  const running = suites.map((step, i) => start(step, i === 0));
  let status = 0;
  for (const done of running) {
    const { name, status: s, output } = await done;
    if (output.length) process.stdout.write(`\nnpm test: ${name}:\n${output}`);
    status ||= s;
  }
  return status;
}

let status = 0;
try {
  for (const step of builds) if ((status = run(step)) !== 0) break;
  if (status === 0) status = await runSideBySide();
} finally {
  // Tests remove what they make (test/helpers/tmp.ts); a folder left behind fails the run.
  const left = readdirSync(tmp);
  rmSync(tmp, { recursive: true, force: true });
  if (left.length) {
    process.stderr.write(`npm test: the tests left ${left.length} temporary folder(s) behind (now removed): ${left.sort().join(' ')}; make them with tempDir() of test/helpers/tmp.ts or remove them in afterAll\n`);
    status ||= 1;
  }
}
process.exit(status);
