/** Run a program without a shell and collect its output (system tools are given by full path). */
import { spawn } from 'node:child_process';
import type { CommandOutcome } from './access-check.js';

export function runCommand(argv: string[]): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: `${argv[0]}: ${e.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
