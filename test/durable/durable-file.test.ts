/**
 * The durable write on a real full disk (a small tmpfs) and a real rename refusal
 * (an immutable target: EPERM, as an antivirus holding the file gives on Windows).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeWriteError, requireWritableDir, writeFileDurable } from '../../src/durable-file.js';
import { emptyInventory, loadInventory, saveInventory, unsavedPath } from '../../src/discover/inventory.js';
import { loadState, saveState } from '../../src/schedule/state.js';
import { Spool } from '../../src/transport/spool.js';
import { mountTmpfs, type SmallDisk } from '../helpers/tmpfs.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';

let disk: SmallDisk;
const work = tempDir('amr-durable-');
const chattr = (flag: string, path: string) => spawnSync('chattr', [flag, path]);

beforeAll(() => { disk = mountTmpfs(64); });
afterAll(() => { disk?.unmount(); rmSync(work, { recursive: true, force: true }); });
afterEach(() => {
  for (const f of readdirSync(disk.path)) rmSync(join(disk.path, f), { recursive: true, force: true });
});

describe('durable write on a full disk', () => {
  it('a write the disk cannot take fails and leaves the previous file whole, with no temp file', () => {
    const file = join(disk.path, 'state.json');
    writeFileDurable(file, 'previous\n');
    disk.fill();
    expect(() => writeFileDurable(file, 'x'.repeat(40_000))).toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe('previous\n');
    expect(readdirSync(disk.path).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });

  it('state.json and a spool message stay whole when the disk fills; the error says what to do', () => {
    saveState(disk.path, { version: 1, devices: {} });
    const spool = new Spool(join(disk.path, 'spool'));
    const message = {
      protocol: 1 as const, type: 'readings' as const, messageId: 'm-1', agentId: 'a', customer: 'C', agentVersion: '0',
      createdAt: new Date().toISOString(), readings: [],
    };
    spool.add(message);
    disk.fill();
    const big = { version: 1 as const, devices: { k: { key: 'k', host: 'h'.repeat(60_000) } as never } };
    let error: unknown;
    try { saveState(disk.path, big); } catch (e) { error = e; }
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(describeWriteError(error, join(disk.path, 'state.json'))).toMatch(/the disk is full \(ENOSPC\); free space on the disk of/);
    expect(loadState(disk.path).state).toEqual({ version: 1, devices: {} });
    expect(() => spool.add({ ...message, messageId: 'm-2', readings: [{ host: 'x'.repeat(60_000) } as never] })).toThrow(/ENOSPC/);
    expect(spool.list().map((e) => e.message.messageId)).toEqual(['m-1']);
  });

  it('a finished discovery is kept when inventory.json cannot be replaced, and the next load uses it', () => {
    const dir = mkdtempSync(join(work, 'inv-'));
    const file = join(dir, 'inventory.json');
    saveInventory(file, emptyInventory());
    const found = { ...emptyInventory(), updated: '2026-11-29T00:00:00.000Z' };
    expect(chattr('+i', file).status).toBe(0);
    try {
      expect(() => saveInventory(file, found)).toThrow(/permission denied \(EPERM\).*kept in .*inventory\.json\.unsaved/);
      expect(loadInventory(file).updated).toBe('2026-11-29T00:00:00.000Z');
    } finally {
      chattr('-i', file);
    }
    saveInventory(file, found);
    expect(readdirSync(dir)).not.toContain('inventory.json.unsaved');
    expect(unsavedPath(file)).toBe(`${file}.unsaved`);
  });
});

describe('rename retried on EPERM/EBUSY/EACCES', () => {
  it('a target held for a moment (immutable for 300 ms) is replaced once it is let go', async () => {
    const dir = mkdtempSync(join(work, 'ren-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old');
    expect(chattr('+i', file).status).toBe(0);
    // Another process lets go of the file while the write waits (as an antivirus scan ends).
    const release = spawn('sh', ['-c', `sleep 0.3; chattr -i '${file}'`]);
    const exited = new Promise((r) => release.on('exit', r));
    writeFileDurable(file, 'new');
    await exited;
    expect(readFileSync(file, 'utf8')).toBe('new');
  });

  it('a target held for good fails after the bounded retries, leaving the old file and no temp file', () => {
    const dir = mkdtempSync(join(work, 'ren-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old');
    chattr('+i', file);
    try {
      const started = Date.now();
      expect(() => writeFileDurable(file, 'new', { waits: [10, 20, 40] })).toThrow(/EPERM/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(70);
      expect(readFileSync(file, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['state.json']);
    } finally {
      chattr('-i', file);
    }
  });
});

describe('data folder', () => {
  it('a data_dir that is a file or not writable is one line naming it and the fix (exit 2)', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    expect(() => requireWritableDir(file)).toThrow(new UserError(`[agent] data_dir = ${file} is a file, not a folder; point [agent] data_dir at a folder (or remove the file)`));
    const ro = mkdtempSync(join(work, 'ro-'));
    chmodSync(ro, 0o500);
    // root passes permission bits; an immutable folder refuses even root, as a read-only share does.
    chattr('+i', ro);
    try {
      let error: unknown;
      try { requireWritableDir(join(ro, 'data')); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(/^\[agent\] data_dir = .*\/data is not writable by this account \((EPERM|EACCES)\); give it write access/);
    } finally {
      chattr('-i', ro);
    }
  });
});
