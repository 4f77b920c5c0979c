/** Run the real `amr` CLI (bin/amr.js -> dist) as a child process. dist is built once per test file. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Compile src -> dist (what `npm ci` / `npm test` do); type errors elsewhere do not stop the emit. */
export function buildDist(): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'ignore' });
  } catch { /* emitted anyway; checked below */ }
  if (!existsSync(join(ROOT, 'dist', 'commands', 'send.js'))) throw new Error('dist/commands/send.js missing after tsc: run `npm run build` and look at the errors');
}

export interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function amr(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'amr.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1', HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => { stdout += String(c); });
  child.stderr!.on('data', (c) => { stderr += String(c); });
  const done = new Promise<Run>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, done };
}
