/**
 * The spool: every message is a file in <data_dir>/spool, written atomically and
 * fsynced before any send, removed only when the server acknowledges it. A kill -9
 * at any moment leaves either the whole file or none (a stray .tmp is cleaned up).
 *
 * Give-way policy when [spool] max_mb is exceeded: oldest heartbeats go first, then
 * oldest alerts, then oldest billing readings last. Page counters are lifetime totals,
 * so a later reading still carries every page an older dropped one did. Messages older
 * than [spool] max_age are dropped. Every drop is journaled.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { checkMessage, type Message, type MessageType } from '@amr/protocol';
import { fsyncDir, renameRetrying, writeFileDurable } from '../durable-file.js';
import { acquireLock } from '../schedule/lock.js';
import type { Journal } from './journal.js';

/** Send order: alerts first, then billing readings, then heartbeats. */
const PRIORITY: Record<MessageType, number> = { alert: 0, readings: 1, heartbeat: 2 };
/** Drop order under size pressure: heartbeats first, billing readings last. */
const GIVE_WAY: Record<MessageType, number> = { heartbeat: 0, alert: 1, readings: 2 };

export interface SpoolEntry { file: string; path: string; bytes: number; message: Message }

export interface RetryState { attempts: number; nextAt: number; lastError: string | null }

export function spoolDir(dataDir: string): string {
  return join(dataDir, 'spool');
}

export class Spool {
  readonly quarantineDir: string;
  constructor(readonly dir: string, private readonly journal: Journal | null = null) {
    this.quarantineDir = join(dir, 'quarantine');
  }

  private ensure(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  fileName(message: Message): string {
    const created = Date.parse(message.createdAt) || Date.now();
    return `${PRIORITY[message.type]}-${String(created).padStart(14, '0')}-${message.messageId}.json`;
  }

  /** Durably add a message; returns its file name. Throws only if the disk refuses. */
  add(message: Message): string {
    this.ensure();
    const name = this.fileName(message);
    writeFileDurable(join(this.dir, name), JSON.stringify(message));
    return name;
  }

  /** Every good message in send order; corrupted files are quarantined on the way. */
  list(): SpoolEntry[] {
    if (!existsSync(this.dir)) return [];
    const out: SpoolEntry[] = [];
    for (const file of readdirSync(this.dir).sort()) {
      const path = join(this.dir, file);
      if (file.startsWith('.tmp-')) { this.cleanTmp(path); continue; }
      if (!file.endsWith('.json') || file === 'state.json') continue;
      let message: Message;
      let bytes: number;
      try {
        const text = readFileSync(path, 'utf8');
        bytes = Buffer.byteLength(text);
        const parsed: unknown = JSON.parse(text);
        const problem = checkMessage(parsed);
        if (problem) throw new Error(problem);
        message = parsed as Message;
        if (!file.includes(message.messageId)) throw new Error('file name does not match its messageId');
      } catch (e) {
        this.quarantine(file, (e as Error).message);
        continue;
      }
      out.push({ file, path, bytes, message });
    }
    return out;
  }

  /** A leftover temp file is a write that never completed (crash before rename): its caller never got success. */
  private cleanTmp(path: string): void {
    try {
      if (Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { force: true });
    } catch { /* gone already */ }
  }

  /** Set a damaged file aside (unreadable), or a message the collector refuses as never valid (`refused`). */
  quarantine(file: string, why: string, refused: Message | null = null): void {
    try {
      mkdirSync(this.quarantineDir, { recursive: true, mode: 0o700 });
      renameRetrying(join(this.dir, file), join(this.quarantineDir, file));
    } catch { /* already moved by another process */ }
    const msg = refused
      ? `message ${refused.messageId} (${refused.readings.length} reading(s)) refused by the collector as invalid (${why}); kept in ${this.quarantineDir}`
      : `spool file ${file} is damaged (${why}); moved to ${this.quarantineDir}`;
    if (!refused) process.stderr.write(`amr: warning: ${msg}\n`);
    this.journal?.write({
      channel: 'spool', server: null, proxy: null, type: refused?.type ?? null, messageIds: refused ? [refused.messageId] : [],
      bytes: 0, result: 'quarantined', latencyMs: null, error: msg,
    });
  }

  /** Files set aside in the quarantine folder (what `amr status`, `amr send --dry-run` and runs report). */
  quarantined(): string[] {
    try {
      return readdirSync(this.quarantineDir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      return [];
    }
  }

  /** Remove an acknowledged message. */
  remove(entry: SpoolEntry): void {
    try { unlinkSync(entry.path); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
    fsyncDir(this.dir);
  }

  /** Apply [spool] max_age and max_mb; returns the dropped entries (each journaled). */
  enforceLimits(maxBytes: number, maxAgeMs: number, now = Date.now()): SpoolEntry[] {
    const entries = this.list();
    const dropped: SpoolEntry[] = [];
    const keep: SpoolEntry[] = [];
    for (const e of entries) {
      if (now - Date.parse(e.message.createdAt) > maxAgeMs) {
        this.drop(e, `older than [spool] max_age (${Math.round(maxAgeMs / 86_400_000)}d)`);
        dropped.push(e);
      } else keep.push(e);
    }
    let total = keep.reduce((n, e) => n + e.bytes, 0);
    if (total <= maxBytes) return dropped;
    const order = [...keep].sort((a, b) =>
      GIVE_WAY[a.message.type] - GIVE_WAY[b.message.type] || a.message.createdAt.localeCompare(b.message.createdAt));
    for (const e of order) {
      if (total <= maxBytes) break;
      this.drop(e, `spool over [spool] max_mb (${(maxBytes / 1048576).toFixed(0)} MB); ${e.message.type} gives way`);
      dropped.push(e);
      total -= e.bytes;
    }
    return dropped;
  }

  private drop(e: SpoolEntry, why: string): void {
    this.remove(e);
    this.journal?.write({
      channel: 'spool', server: null, proxy: null, type: e.message.type, messageIds: [e.message.messageId],
      bytes: e.bytes, result: 'dropped', latencyMs: null, error: why,
    });
  }

  // Retry state (attempt count, next attempt time) is advisory: losing it only resets the backoff.
  private get statePath(): string { return join(this.dir, 'state.json'); }

  readState(): Record<string, RetryState> {
    try {
      const v = JSON.parse(readFileSync(this.statePath, 'utf8')) as unknown;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, RetryState> : {};
    } catch {
      return {};
    }
  }

  writeState(state: Record<string, RetryState>): void {
    try {
      this.ensure();
      writeFileDurable(this.statePath, JSON.stringify(state));
    } catch { /* advisory */ }
  }

  /** One deliverer at a time; a lock left by a killed process is taken over. Returns a release function or null if busy. */
  /**
   * One deliverer at a time. The lock says who holds it; a lock of a dead process, one
   * older than `staleAfterMs` (a delivery is bounded by the run's time budget), or an
   * unreadable one is taken over. Returns a release function, or null while a live deliverer holds it.
   */
  lock(staleAfterMs = 3_600_000, now: () => number = Date.now): (() => void) | null {
    this.ensure();
    const r = acquireLock(join(this.dir, '.lock'), { staleAfterMs, now });
    if (!r.acquired) return null;
    if (r.recovered) {
      this.journal?.write({
        channel: 'spool', server: null, proxy: null, type: null, messageIds: [], bytes: 0, result: 'deferred', latencyMs: null,
        error: `took over a stale spool lock${r.recovered.holder ? ` of process ${r.recovered.holder.pid}` : ''}: ${r.recovered.why}`,
      });
    }
    return () => r.lock.release();
  }
}
