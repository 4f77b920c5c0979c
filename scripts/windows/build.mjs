// `npm run build:windows`: dist/windows/amr.exe, amr.msi (wixl) and amr-setup.exe (NSIS),
// all made on Linux. Needs Debian's osslsigncode, wixl (msitools) and nsis.
// `node scripts/windows/build.mjs exe` builds only the exe (after `npm run build`).
import { buildExe } from './build-exe.mjs';

const only = process.argv.slice(2);
const want = (part) => !only.length || only.includes(part);
if (want('exe') || !only.length) await buildExe();
if (want('msi')) await (await import('./build-msi.mjs')).buildMsi();
if (want('setup')) await (await import('./build-setup.mjs')).buildSetup();
