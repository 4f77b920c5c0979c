import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRunLock, LOCK_FILE } from '../../src/schedule/lock.js';
import { tempDir } from './helpers.js';

/**
 * The lock file appears whole (owner linked into place), so neither a racing reader nor a
 * process killed at any moment ever meets an empty or half-written lock.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const freshDir = () => { const d = join(tmp.path, `r${++n}`); mkdirSync(d); return d; };

let lockJs = '';
beforeAll(() => {
  const src = readFileSync(fileURLToPath(new URL('../../src/schedule/lock.ts', import.meta.url)), 'utf8');
  lockJs = join(tmp.path, 'lock.mjs');
  writeFileSync(lockJs, ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
});

/** A child taking and releasing the lock in a tight loop; it counts what it saw. */
function hammer(dir: string, startAt: number, rounds: number): { started: Promise<void>; done: Promise<Record<string, number>>; kill: () => void } {
  const code = `
    import { acquireRunLock } from ${JSON.stringify(lockJs)};
    import { openSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
    const dir = ${JSON.stringify(dir)};
    const seen = { won: 0, lost: 0, emptySeen: 0, badText: 0, double: 0 };
    while (Date.now() < ${startAt}) {}
    process.stdout.write('go\\n');
    for (let i = 0; i < ${rounds}; i++) {
      try {
        const text = readFileSync(dir + '/${LOCK_FILE}', 'utf8');
        try { JSON.parse(text); } catch { seen.badText++; }
      } catch (e) { if (e.code !== 'ENOENT') throw e; }
      const r = acquireRunLock(dir, { staleAfterMs: 3600000 });
      if (!r.acquired) {
        seen.lost++;
        if (r.holder === null) seen.emptySeen++;
        continue;
      }
      seen.won++;
      try { closeSync(openSync(dir + '/held', 'wx')); } catch { seen.double++; }
      try { unlinkSync(dir + '/held'); } catch {}
      r.lock.release();
    }
    console.log(JSON.stringify(seen));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let go: () => void = () => undefined;
  const started = new Promise<void>((r) => { go = r; });
  child.stdout.on('data', (d) => { out += d; if (out.includes('go\n')) go(); });
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      const last = out.trim().split('\n').pop() ?? '';
      resolve(last.startsWith('{') ? JSON.parse(last) : {});
    });
  });
  return { started, done, kill: () => child.kill('SIGKILL') };
}

describe('run lock under races and kills', () => {
  it('6 processes racing 300 times each: one holder at a time, never an empty or partial lock seen', async () => {
    const dir = freshDir();
    const startAt = Date.now() + 600;
    const all = await Promise.all(Array.from({ length: 6 }, () => hammer(dir, startAt, 300).done));
    const sum = (k: string) => all.reduce((a, s) => a + (s[k] ?? 0), 0);
    expect(sum('won') + sum('lost')).toBe(6 * 300);
    expect(sum('won')).toBeGreaterThan(0);
    expect(sum('lost')).toBeGreaterThan(0); // they did contend
    expect(sum('double')).toBe(0);
    expect(sum('emptySeen')).toBe(0);
    expect(sum('badText')).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a process SIGKILLed at random moments of taking the lock leaves no lock or a whole one; the next run proceeds', async () => {
    let wholeLeft = 0;
    for (let k = 0; k < 25; k++) {
      const dir = freshDir();
      const h = hammer(dir, Date.now(), 1_000_000);
      await h.started;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
      h.kill();
      await h.done;
      const lockPath = join(dir, LOCK_FILE);
      if (existsSync(lockPath)) {
        const holder = JSON.parse(readFileSync(lockPath, 'utf8')); // never empty, never partial
        expect(typeof holder.pid).toBe('number');
        wholeLeft++;
      }
      // The dead holder is taken over at once (not after a grace), and its temp files go.
      const next = acquireRunLock(dir, { staleAfterMs: 3_600_000 });
      expect(next.acquired).toBe(true);
      if (next.acquired) next.lock.release();
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
    expect(wholeLeft).toBeGreaterThan(0); // the kills did land while the lock was held
  }, 180_000); // 25 node processes started one after another: minutes on a loaded machine

  it('a temp file of a writer killed before linking is ignored and removed; a live writer\'s is left', () => {
    const dir = freshDir();
    const dead = join(dir, `${LOCK_FILE}.999999-0123456789abcdef.tmp`);
    writeFileSync(dead, '');
    const live = join(dir, `${LOCK_FILE}.${process.ppid}-aaaaaaaaaaaaaaaa.tmp`);
    writeFileSync(live, '{"pid":');
    const r = acquireRunLock(dir, { staleAfterMs: 3_600_000 });
    expect(r.acquired).toBe(true);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    if (r.acquired) r.lock.release();
    // Old enough, even a live pid's temp file is a leftover.
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(live, old, old);
    const again = acquireRunLock(dir, { staleAfterMs: 3_600_000 });
    expect(again.acquired).toBe(true);
    if (again.acquired) again.lock.release();
    expect(existsSync(live)).toBe(false);
  });
});
