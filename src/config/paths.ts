/** Per-platform default locations. `platform` and `env` are injectable for tests. */
import { homedir } from 'node:os';
import { join, win32, posix } from 'node:path';

export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AMR_DATA_DIR) return env.AMR_DATA_DIR;
  if (platform === 'win32') return win32.join('C:\\', 'DriverPrinter');
  if (platform === 'darwin') {
    return isRoot() ? '/Library/Application Support/amr' : posix.join(homedir(), 'Library', 'Application Support', 'amr');
  }
  if (isRoot()) return '/var/lib/amr';
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'amr');
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
