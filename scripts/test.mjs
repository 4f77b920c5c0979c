// `npm test`: what a newcomer runs on a fresh clone after `npm ci`. Installs the Debian
// packages the tests use as real parts when they are missing (as root; otherwise one line
// naming the apt-get command), builds in order (@amr/protocol, agent, tests, collector),
// runs the agent's and the collector's suites with TMPDIR pointing at one folder of its
// own, and removes that folder afterwards, whatever the tests left in it.
import { execFileSync, spawnSync } from 'node:child_process';
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
// Builds stop the run at the first failure; both suites run even when the first fails.
const builds = [
  ['npm', ['run', 'build', '--silent']],
  ['npx', ['tsc', '-p', 'tsconfig.test.json']],
  ['node', ['scripts/ensure-collector.mjs']],
];
// The suites run with only a loopback interface where the machine allows it (root):
// nothing a test does can reach another network (scripts/loopback-only.sh).
const loopbackOnly = ['sh', join(root, 'scripts', 'loopback-only.sh')];
const suites = [
  [loopbackOnly[0], [loopbackOnly[1], 'npx', 'vitest', 'run', ...process.argv.slice(2)]],
  [loopbackOnly[0], [loopbackOnly[1], 'npm', '--prefix', 'collector', 'test']],
];
const run = ([cmd, args]) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;
let status = 0;
try {
  for (const step of builds) if ((status = run(step)) !== 0) break;
  if (status === 0) for (const step of suites) status = run(step) || status;
} finally {
  const left = readdirSync(tmp).length;
  rmSync(tmp, { recursive: true, force: true });
  if (left) process.stderr.write(`npm test: removed ${left} temporary folder(s) the tests left behind\n`);
}
process.exit(status);
