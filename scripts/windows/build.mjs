// `npm run build:windows`: dist/windows/amr.exe, made on Linux (needs Debian's osslsigncode).
import { buildExe } from './build-exe.mjs';

await buildExe();
