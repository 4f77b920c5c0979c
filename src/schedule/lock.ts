/**
 * The run lock: one `amr run` at a time per data folder, even when Task Scheduler,
 * a user and a boot trigger start runs together. The lock is a file created with
 * O_EXCL holding who took it; a lock left by a dead process, or older than a limit,
 * is taken over, and the caller says so.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';

export const LOCK_FILE = 'run.lock';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** Random, so release never removes a lock someone else took over. */
  token: string;
}

export interface RunLock {
  path: string;
  holder: LockHolder;
  /** Remove the lock if it is still ours. Safe to call twice. */
  release(): void;
}

export type LockResult =
  | { acquired: true; lock: RunLock; recovered: { holder: LockHolder | null; why: string } | null }
  | { acquired: false; holder: LockHolder | null; message: string };

export interface LockOptions {
  /** A lock older than this is stale whatever its process: the run has a time budget and a scheduler limit. */
  staleAfterMs: number;
  now?: () => number;
  host?: string;
  pid?: number;
  /** Whether a process on this host still exists. */
  isAlive?: (pid: number) => boolean;
}

/** A freshly created lock file can be empty for a moment; that is a live lock, not a broken one. */
const WRITING_GRACE_MS = 10_000;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): { holder: LockHolder | null; mtimeMs: number } | null {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.startedAt === 'string') return { holder: h, mtimeMs };
  } catch { /* unreadable: judged by age below */ }
  // A spool lock of an older agent holds only the pid: same host, taken when the file was written.
  if (/^\d+\s*$/.test(text)) return { holder: { pid: Number(text), host: osHostname(), startedAt: new Date(mtimeMs).toISOString(), token: '' }, mtimeMs };
  return { holder: null, mtimeMs };
}

/** Why a lock is stale, or null when its holder may still be running. */
function staleness(found: { holder: LockHolder | null; mtimeMs: number }, o: Required<LockOptions>): string | null {
  const now = o.now();
  if (!found.holder) {
    return now - found.mtimeMs > WRITING_GRACE_MS ? 'the lock file was unreadable' : null;
  }
  const h = found.holder;
  const started = Date.parse(h.startedAt);
  if (h.host === o.host && h.pid !== o.pid && !o.isAlive(h.pid)) return `process ${h.pid} is no longer running`;
  if (Number.isFinite(started) && now - started > o.staleAfterMs) return `it is older than ${Math.round(o.staleAfterMs / 60_000)} minutes`;
  if (!Number.isFinite(started) && now - found.mtimeMs > o.staleAfterMs) return 'its start time was unreadable and the file is old';
  return null;
}

export function describeHolder(holder: LockHolder | null, now = Date.now()): string {
  if (!holder) return 'another amr process is starting (its lock file is being written)';
  const started = Date.parse(holder.startedAt);
  const ago = Number.isFinite(started) ? ` (${Math.max(0, Math.round((now - started) / 60_000))} min ago)` : '';
  return `another amr run holds the lock: process ${holder.pid} on ${holder.host}, since ${holder.startedAt}${ago}`;
}

/** Create the lock file; returns its inode, or null when it exists already. */
function tryCreate(path: string, holder: LockHolder): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(holder) + '\n');
  } catch {
    // A full disk takes the empty file but not its content: the lock still holds (judged by
    // age by others), and release knows it by its inode. Delivery of the spool goes on.
  } finally {
    closeSync(fd);
  }
  try { return statSync(path).ino; } catch { return 0; }
}

/**
 * Take over a stale lock without racing another recoverer: only the process that
 * creates the `.recover` guard may remove the stale file, and it re-checks first.
 */
function removeStale(path: string, judged: { holder: LockHolder | null; mtimeMs: number }, o: Required<LockOptions>): boolean {
  const guard = `${path}.recover`;
  const guardHolder: LockHolder = { pid: o.pid, host: o.host, startedAt: new Date(o.now()).toISOString(), token: randomBytes(8).toString('hex') };
  if (tryCreate(guard, guardHolder) === null) {
    // A recoverer that died mid-way leaves its guard: old guards are removed.
    try {
      if (o.now() - statSync(guard).mtimeMs > WRITING_GRACE_MS * 3) unlinkSync(guard);
    } catch { /* gone already */ }
    return false;
  }
  try {
    const again = readHolder(path);
    if (!again) return true;
    const same = again.holder?.token === judged.holder?.token && again.mtimeMs === judged.mtimeMs;
    if (!same || !staleness(again, o)) return false;
    // Keep the stale file beside for a post-mortem rather than deleting it.
    try { renameSync(path, `${path}.stale`); } catch { unlinkSync(path); }
    return true;
  } finally {
    try { unlinkSync(guard); } catch { /* ignore */ }
  }
}

export function acquireRunLock(dataDir: string, options: LockOptions): LockResult {
  return acquireLock(join(dataDir, LOCK_FILE), options);
}

/** Take the lock file at `path` (the run lock, the spool's delivery lock): O_EXCL, owner and age checked. */
export function acquireLock(path: string, options: LockOptions): LockResult {
  const o: Required<LockOptions> = {
    now: Date.now, host: osHostname(), pid: process.pid, isAlive: processAlive, ...options,
  };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const holder: LockHolder = { pid: o.pid, host: o.host, startedAt: new Date(o.now()).toISOString(), token: randomBytes(8).toString('hex') };
  let recovered: { holder: LockHolder | null; why: string } | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const ino = tryCreate(path, holder);
    if (ino !== null) return { acquired: true, lock: makeLock(path, holder, ino), recovered };
    const found = readHolder(path);
    if (!found) continue; // released between our two steps: try again
    const why = staleness(found, o);
    if (!why) return { acquired: false, holder: found.holder, message: describeHolder(found.holder, o.now()) };
    if (removeStale(path, found, o)) recovered = { holder: found.holder, why };
  }
  const last = readHolder(path);
  return { acquired: false, holder: last?.holder ?? null, message: describeHolder(last?.holder ?? null, o.now()) };
}

function makeLock(path: string, holder: LockHolder, ino: number): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const current = readHolder(path);
    const unwritten = current && !current.holder && (() => { try { return statSync(path).ino === ino; } catch { return false; } })();
    if (current?.holder?.token === holder.token || unwritten) {
      try { unlinkSync(path); } catch { /* already gone */ }
    }
  };
  // A run that ends through process.exit still leaves no lock behind.
  process.on('exit', release);
  return { path, holder, release };
}

/** Used by tests and `amr task status`: who holds the lock now, if anyone. */
export function currentHolder(dataDir: string): LockHolder | null {
  return readHolder(join(dataDir, LOCK_FILE))?.holder ?? null;
}

