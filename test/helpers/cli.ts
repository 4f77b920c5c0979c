/** Run the built CLI (bin/amr.js) as a user would, asynchronously so in-process simulators keep answering. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const AMR = join(import.meta.dirname, '..', '..', 'bin', 'amr.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function amr(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [AMR, ...args], {
      env: { ...process.env, NO_COLOR: '1', AMR_CONFIG: '', AMR_DATA_DIR: '/nonexistent-amr-data', ...env },
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
