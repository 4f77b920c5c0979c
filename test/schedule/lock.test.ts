import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRunLock, currentHolder, LOCK_FILE } from '../../src/schedule/lock.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const HOUR = 3_600_000;
let n = 0;
const freshDir = () => join(tmp.path, `d${++n}`);

/** lock.ts compiled to plain JS so real child processes can use it (it imports only node:). */
let lockJs = '';
beforeAll(() => {
  const src = readFileSync(fileURLToPath(new URL('../../src/schedule/lock.ts', import.meta.url)), 'utf8');
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  lockJs = join(tmp.path, 'lock.mjs');
  writeFileSync(lockJs, out.outputText);
});

/**
 * A child that says it is ready, waits for the common start (a file appearing), tries the
 * lock, reports, and holds a lock it won until its standard input closes. The parent starts
 * both when both are ready and lets go only once both have reported, so however slowly a
 * loaded machine starts them, the two really race and really overlap.
 */
interface Contender { ready: Promise<void>; reported: Promise<unknown>; release: () => void; done: Promise<{ pid: number; result: any }> }
function contender(dir: string, go: string): Contender {
  const code = `
    import { acquireRunLock } from ${JSON.stringify(lockJs)};
    import { existsSync } from 'node:fs';
    console.log('ready');
    while (!existsSync(${JSON.stringify(go)})) {}
    const r = acquireRunLock(${JSON.stringify(dir)}, { staleAfterMs: ${HOUR} });
    console.log(JSON.stringify(r.acquired ? { acquired: true, holder: r.lock.holder } : r));
    if (r.acquired) { process.stdin.resume(); process.stdin.on('end', () => r.lock.release()); }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let ready: () => void = () => undefined;
  let reported: () => void = () => undefined;
  const isReady = new Promise<void>((r) => { ready = r; });
  const hasReported = new Promise<void>((r) => { reported = r; });
  const lines = () => out.split('\n').slice(0, -1);
  child.stdout.on('data', (d) => {
    out += d;
    if (lines().length >= 1) ready();
    if (lines().length >= 2) reported();
  });
  const done = new Promise<{ pid: number; result: any }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => { ready(); reported(); resolve({ pid: child.pid!, result: JSON.parse(lines()[1] ?? 'null') }); });
  });
  return { ready: isReady, reported: hasReported, release: () => child.stdin.end(), done };
}

describe('run lock', () => {
  it('two processes started together: exactly one runs, the other is told who holds it', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = freshDir();
      const go = join(tmp.path, `go${round}`);
      const both = [contender(dir, go), contender(dir, go)];
      await Promise.all(both.map((c) => c.ready));
      writeFileSync(go, '');
      await Promise.all(both.map((c) => c.reported));
      for (const c of both) c.release();
      const [a, b] = await Promise.all(both.map((c) => c.done));
      const winners = [a, b].filter((c) => c.result.acquired);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      const loser = winner === a ? b : a;
      expect(winner.result.holder.pid).toBe(winner.pid);
      expect(loser.result.message).toContain(`process ${winner.pid} on `);
      expect(loser.result.message).toMatch(/since \d{4}-\d\d-\d\dT/);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // released by the winner
    }
  });

  it('a lock left by a dead process is recovered and the caller learns whose it was', () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const first = acquireRunLock(dir, { staleAfterMs: HOUR, pid: dead });
    expect(first.acquired).toBe(true);
    // The "dead" run never released. A new run on the same host takes over.
    const second = acquireRunLock(dir, { staleAfterMs: HOUR });
    expect(second.acquired).toBe(true);
    if (!second.acquired) return;
    expect(second.recovered?.why).toBe(`process ${dead} is no longer running`);
    expect(second.recovered?.holder?.pid).toBe(dead);
    expect(existsSync(join(dir, `${LOCK_FILE}.stale`))).toBe(true);
    second.lock.release();
    expect(currentHolder(dir)).toBeNull();
  });

  it('a live holder keeps the lock; past the age limit it is stale even on another host', () => {
    const dir = freshDir();
    const t0 = Date.parse('2026-03-10T10:00:00Z');
    const other = acquireRunLock(dir, { staleAfterMs: HOUR, host: 'other-pc', pid: 4242, now: () => t0 });
    expect(other.acquired).toBe(true);
    const soon = acquireRunLock(dir, { staleAfterMs: HOUR, now: () => t0 + 10 * 60_000 });
    expect(soon.acquired).toBe(false);
    if (!soon.acquired) expect(soon.message).toBe('another amr run holds the lock: process 4242 on other-pc, since 2026-03-10T10:00:00.000Z (10 min ago)');
    const late = acquireRunLock(dir, { staleAfterMs: HOUR, now: () => t0 + HOUR + 60_000 });
    expect(late.acquired).toBe(true);
    if (late.acquired) {
      expect(late.recovered?.why).toBe('it is older than 60 minutes');
      late.lock.release();
    }
  });

  it('release removes only our own lock', () => {
    const dir = freshDir();
    const mine = acquireRunLock(dir, { staleAfterMs: HOUR, pid: spawnSync(process.execPath, ['-e', '0']).pid! });
    expect(mine.acquired).toBe(true);
    const taker = acquireRunLock(dir, { staleAfterMs: HOUR }); // takes over the "dead" one
    expect(taker.acquired).toBe(true);
    if (mine.acquired) mine.lock.release();
    expect(currentHolder(dir)?.pid).toBe(process.pid);
    if (taker.acquired) taker.lock.release();
    expect(currentHolder(dir)).toBeNull();
  });

  it('an empty lock file is a run starting up; an old unreadable one is recovered', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, '');
    const fresh = acquireRunLock(dir, { staleAfterMs: HOUR });
    expect(fresh.acquired).toBe(false);
    if (!fresh.acquired) expect(fresh.message).toMatch(/starting/);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(path, old, old);
    const later = acquireRunLock(dir, { staleAfterMs: HOUR });
    expect(later.acquired).toBe(true);
    if (later.acquired) {
      expect(later.recovered?.why).toBe('the lock file was unreadable');
      later.lock.release();
    }
  });

  it('a process that exits without releasing leaves no lock', () => {
    const dir = freshDir();
    const code = `import { acquireRunLock } from ${JSON.stringify(lockJs)};
      const r = acquireRunLock(${JSON.stringify(dir)}, { staleAfterMs: 60000 });
      if (!r.acquired) process.exit(9);
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code]);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
