// dist/windows/amr-setup.exe from packaging/windows/setup.nsi with makensis (Debian nsis,
// 64-bit unicode target): the technician's interactive setup, with the same program
// files as the MSI.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUT } from './build-exe.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function buildSetup() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const setup = join(OUT, 'amr-setup.exe');
  execFileSync('makensis', ['-V2', '-INPUTCHARSET', 'UTF8', `-DVERSION=${version}`, `-DSOURCE=${OUT}`, `-DOUTFILE=${setup}`,
    join(ROOT, 'packaging', 'windows', 'setup.nsi')], { stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`build:windows: ${relative(ROOT, setup)} (${(statSync(setup).size / 1048576).toFixed(1)} MB)`);
  return setup;
}
