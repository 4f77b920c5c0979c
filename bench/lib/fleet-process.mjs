// Start bench/lib/sim-child.mjs and talk to it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startFleetProcess(base, port, count, dirs) {
  const child = spawn(process.execPath, [new URL('./sim-child.mjs', import.meta.url).pathname, base, String(port), String(count), ...dirs], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  lines.on('line', (l) => queue.shift()?.(JSON.parse(l)));
  const next = () => new Promise((resolve) => queue.push(resolve));
  const ready = await next();
  return {
    devices: ready.devices,
    async requests() { const p = next(); child.stdin.write('stats\n'); return (await p).received; },
    async stop() { child.stdin.end(); await new Promise((r) => child.on('exit', r)); },
  };
}

/** Run a command; resolve with wall time in ms and exit code. */
export function timed(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

/** Run async tasks with at most `width` at a time. */
export async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}
