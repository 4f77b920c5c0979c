/** Run the real `amr` CLI (bin/amr.js -> dist) as a child process. dist is built once per test file. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Newest modification time of any file under `dir` (this helper's own stamp and lock aside). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.test-build-')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Compile src -> dist (what `npm ci` / `npm test` do); type errors elsewhere do not stop the emit.
 * Test files run in parallel workers: a lock makes one build at a time, and a stamp skips a
 * build when src has not changed since, so no CLI child loads a dist file being rewritten.
 */
export function buildDist(): void {
  const lock = join(ROOT, 'dist', '.test-build-lock');
  const stamp = join(ROOT, 'dist', '.test-build-stamp');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const until = Date.now() + 60_000;
  for (;;) {
    try { mkdirSync(lock); break; } catch { /* another worker builds */ }
    try { if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true }); } catch { /* gone meanwhile */ }
    if (Date.now() > until) throw new Error(`${lock} held for a minute: remove it if no test run is going on`);
    sleep(100);
  }
  try {
    // Fresh: built by this helper since the last src edit, or by `npm test`/`npm run build`
    // (every emitted file newer than every source file).
    const src = newest(join(ROOT, 'src'));
    const built = (existsSync(stamp) && statSync(stamp).mtimeMs > src) || newest(join(ROOT, 'dist')) > src;
    const fresh = built && existsSync(join(ROOT, 'dist', 'commands', 'send.js'));
    if (!fresh) {
      const started = Date.now();
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'ignore' });
      } catch { /* emitted anyway; checked below */ }
      writeFileSync(stamp, '');
      utimesSync(stamp, started / 1000, started / 1000); // a src edit during the build makes the next call rebuild
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
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
