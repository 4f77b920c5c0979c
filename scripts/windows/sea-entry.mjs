// Entry of amr.exe (bundled to CommonJS by scripts/windows/build-exe.mjs): the same as
// bin/amr.js. Data files are found beside the exe (see the bundle's import.meta.url shim).
import { main } from '../../dist/cli.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => { if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw error; });
}
main(process.argv).then((code) => { process.exitCode = code; });
