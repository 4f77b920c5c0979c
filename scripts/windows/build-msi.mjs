// dist/windows/amr.msi from packaging/windows/amr.wxs with wixl (Debian msitools): amr.exe
// and the data files beside it (registry, package.json, dist/**/*.json) as one feature.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUT } from './build-exe.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The program files beside amr.exe: what build-exe copied (not build/, not the installers). */
export function programDataFiles() {
  const files = ['package.json'];
  for (const dir of ['registry', 'dist']) {
    for (const entry of readdirSync(join(OUT, dir), { recursive: true })) {
      if (statSync(join(OUT, dir, entry)).isFile()) files.push(join(dir, entry));
    }
  }
  return files.sort();
}

export async function buildMsi() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const fragment = join(OUT, 'build', 'files.wxs');
  const list = programDataFiles().map((f) => `./${f}\n`).join('');
  writeFileSync(fragment, execFileSync('wixl-heat', ['-p', './', '--component-group', 'AmrData', '--var', 'var.SourceDir',
    '--directory-ref', 'INSTALLDIR'], { input: list }));
  const msi = join(OUT, 'amr.msi');
  // wixl wants Source paths relative to where it runs.
  execFileSync('wixl', ['-a', 'x64', '-D', `Version=${version}`, '-D', 'SourceDir=.', '-o', msi,
    join(ROOT, 'packaging', 'windows', 'amr.wxs'), fragment], { cwd: OUT, stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`build:windows: ${relative(ROOT, msi)} (${(statSync(msi).size / 1048576).toFixed(1)} MB)`);
  return msi;
}
