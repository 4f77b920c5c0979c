#!/usr/bin/env node
// The dealer's collector CLI; the code is compiled to dist/ by `npm install` (prepare) in collector/.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('amr-collector: not built yet: run "npm install" (or "npm run build") in the collector folder\n');
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
