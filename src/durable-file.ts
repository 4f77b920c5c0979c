/**
 * The one way the agent replaces a file in its data folder (spool messages, state,
 * inventory, retry state): write a temp file beside it with every byte checked, fsync,
 * rename over the target, fsync the folder. A failed write (disk full, quota, I/O error)
 * removes the temp file and leaves the previous file as it was. Renames are retried
 * with a bounded backoff on EPERM/EBUSY/EACCES: on Windows an antivirus or backup tool
 * holding the target open makes a rename fail for a moment.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';

/** Waits between rename attempts (ms): about 3 s in all, then the error stands. */
export const RENAME_WAITS: readonly number[] = [20, 50, 100, 200, 400, 800, 1500];
const RETRYABLE = new Set(['EPERM', 'EBUSY', 'EACCES']);

/** Errors that mean "this disk or folder will not take the write", not a bug. */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EBUSY', 'EFBIG']);

export function isDiskError(e: unknown): e is NodeJS.ErrnoException {
  return DISK_CODES.has((e as NodeJS.ErrnoException)?.code ?? '');
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export interface DurableOptions {
  mode?: number;
  /** Rename wait schedule (tests shorten it). */
  waits?: readonly number[];
}

/** Rename `from` to `to`, retrying EPERM/EBUSY/EACCES with the bounded backoff. */
export function renameRetrying(from: string, to: string, waits: readonly number[] = RENAME_WAITS): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE.has(code) || attempt >= waits.length) throw e;
      sleepSync(waits[attempt]!);
    }
  }
}

/**
 * Write every byte of `buf` to `fd`; a write that makes no progress is a full disk. The
 * error thrown carries `written`, the bytes that did reach the file.
 */
export function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  try {
    while (off < buf.length) {
      const n = writeSync(fd, buf, off, buf.length - off);
      if (n <= 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write returned ${n}`), { code: 'ENOSPC' });
      off += n;
    }
  } catch (e) {
    throw Object.assign(e as Error, { written: off });
  }
}

/**
 * Append whole lines to a log (journal, run log, amr.log): a write the disk cuts short (full
 * disk, quota, file size limit) is taken back, so the file never ends in half a line that
 * would swallow the next line appended after space is freed. Throws the write's error.
 */
export function appendWhole(path: string, text: string, mode = 0o600): void {
  const buf = Buffer.from(text, 'utf8');
  const fd = openSync(path, 'a', mode);
  try {
    const before = fstatSync(fd).size;
    try {
      writeAll(fd, buf);
    } catch (e) {
      // Only our own bytes are taken back: if another process appended meanwhile, the size tells.
      const off = (e as { written?: number }).written ?? 0;
      try { if (off > 0 && fstatSync(fd).size === before + off) ftruncateSync(fd, before); } catch { /* the error below stands */ }
      throw e;
    }
  } finally {
    closeSync(fd);
  }
}

/** Write `data` to `path` so that a crash or a failed write leaves the old file or the new one, never half. */
export function writeFileDurable(path: string, data: string | Buffer, options: DurableOptions = {}): void {
  const dir = dirname(path);
  const tmp = join(dir, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w', options.mode ?? 0o600);
    writeAll(fd, buf);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameRetrying(tmp, path, options.waits);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created, or renamed */ }
    throw e;
  }
  fsyncDir(dir);
}

/** Makes a rename or unlink itself durable; not possible on Windows, where NTFS journals it. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number;
  try { fd = openSync(dir, 'r'); } catch { return; }
  try { fsyncSync(fd); } catch { /* some filesystems refuse fsync on a folder; the rename is done */ } finally { closeSync(fd); }
}

/** One line for a failed write in the data folder, saying what to do. */
export function describeWriteError(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const dir = dirname(path);
  switch (code) {
    case 'ENOSPC': case 'EDQUOT': case 'EFBIG':
      return `cannot write ${path}: the disk is full (${code}); free space on the disk of ${dir}`;
    case 'EROFS':
      return `cannot write ${path}: ${dir} is on a read-only file system; set [agent] data_dir to a writable folder`;
    case 'EACCES': case 'EPERM':
      return `cannot write ${path}: permission denied (${code}); give the account running amr write access to ${dir}, or set [agent] data_dir to a folder it can write`;
    case 'ENOTDIR': case 'EEXIST':
      return `cannot write ${path}: a part of ${dir} is a file, not a folder; point [agent] data_dir at a folder`;
    default:
      return `cannot write ${path}: ${(e as Error)?.message ?? String(e)}`;
  }
}

/**
 * Make sure the data folder exists and takes a file; otherwise one line naming the
 * folder and the fix (exit 2). Run before work that would be lost without it.
 */
export function requireWritableDir(dir: string, what = '[agent] data_dir'): void {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UserError(`${what} = ${dir} is a file, not a folder; point ${what} at a folder (or remove the file)`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const probe = join(dir, `.write-test-${process.pid}`);
    const fd = openSync(probe, 'w', 0o600);
    closeSync(fd);
    unlinkSync(probe);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOSPC' || code === 'EDQUOT') return; // full, but writable: delivery of what is spooled goes on
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new UserError(`${what} = ${dir}: a part of the path is a file, not a folder; point ${what} at a folder`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new UserError(`${what} = ${dir} is not writable by this account (${code}); give it write access (run amr as the task's account) or set ${what} to a folder it can write`);
    }
    if (code === 'EROFS') throw new UserError(`${what} = ${dir} is on a read-only file system; set ${what} to a writable folder`);
    throw new UserError(`${what} = ${dir} cannot be used (${code || (e as Error).message}); set ${what} to a writable folder`);
  }
}
