/**
 * The run lock: one `amr run` at a time per data folder, even when Task Scheduler,
 * a user and a boot trigger start runs together. The lock is a file holding who took
 * it, linked into place whole (link(2) refuses an existing name, like O_EXCL); a lock left by a dead process, or older than a limit,
 * is taken over, and the caller says so.
 */
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

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

/**
 * A lock file is linked into place whole; only where that cannot be (no link(2), a full
 * disk) is it created empty and then written. Such an empty file is a live lock for a moment.
 */
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

/** A writer's temp file: `<lock>.<pid>-<token>.tmp`, beside the lock. */
const tempName = (path: string, holder: LockHolder) => `${path}.${holder.pid}-${holder.token}.tmp`;

/** Errors creating a file that mean this folder takes no file at all. */
const UNWRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/** link(2) is missing on a few file systems (FAT, some network shares): fall back to O_EXCL then. */
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Create the lock file with its owner already in it; returns its inode, or null when it
 * exists already. The owner is written to a temp file, then linked to the lock's name:
 * link(2) fails when the name exists (one winner, like O_EXCL), and the lock appears
 * whole, so a process killed at any point leaves no empty or half-written lock.
 */
function tryCreate(path: string, holder: LockHolder): number | null {
  const tmp = tempName(path, holder);
  let ino: number;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      const text = Buffer.from(JSON.stringify(holder) + '\n');
      if (writeSync(fd, text) !== text.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      ino = fstatSync(fd).ino;
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not created */ }
    // A folder that takes no file at all (read-only, not ours) can never give us the lock:
    // say so, rather than judge a leftover lock or guard there as someone else's.
    if (UNWRITABLE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    // Full disk (or no room for the temp file): an empty lock still holds, judged by age.
    return tryCreateEmpty(path, holder);
  }
  try {
    linkSync(tmp, path);
    return ino;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return null;
    if (NO_LINK.has(code)) return tryCreateEmpty(path, holder);
    throw e;
  } finally {
    try { unlinkSync(tmp); } catch { /* removed already */ }
  }
}

/** O_EXCL create, then write: used where link(2) cannot be. A kill between the two leaves an empty lock (grace above). */
function tryCreateEmpty(path: string, holder?: LockHolder): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw e;
  }
  try {
    if (holder) writeSync(fd, JSON.stringify(holder) + '\n');
  } catch {
    // A full disk takes the empty file but not its content: the lock still holds (judged by
    // age by others), and release knows it by its inode. Delivery of the spool goes on.
  } finally {
    closeSync(fd);
  }
  try { return statSync(path).ino; } catch { return 0; }
}

/** Temp files of writers killed before they linked: their process is gone, or they are old. */
function removeDeadTemps(path: string, o: Required<LockOptions>): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const file = join(dir, name);
    try {
      const pid = Number(m[1]);
      if ((pid !== o.pid && !o.isAlive(pid)) || o.now() - statSync(file).mtimeMs > WRITING_GRACE_MS * 6) unlinkSync(file);
    } catch { /* gone already */ }
  }
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
  removeDeadTemps(path, o);
  // Three tries at a stale lock; a lock released between our two steps does not use one up
  // (other runs taking and releasing it quickly), within a bound.
  for (let attempt = 0, vanished = 0; attempt < 3; attempt++) {
    const ino = tryCreate(path, holder);
    if (ino !== null) return { acquired: true, lock: makeLock(path, holder, ino), recovered };
    const found = readHolder(path);
    if (!found) {
      if (++vanished < 1000) attempt--;
      continue;
    }
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

