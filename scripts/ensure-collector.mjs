// The collector is its own package (database drivers stay out of the agent); install
// its dependencies on first use so `npm test` and `npm start` work after a plain `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'collector');
if (!existsSync(join(dir, 'node_modules')) || !existsSync(join(dir, 'dist', 'index.js'))) {
  process.stderr.write('installing the collector\'s dependencies (first run only)...\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}
