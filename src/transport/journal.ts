/**
 * The communication journal: one JSON line per attempt (and per spool event), so a
 * customer's IT can see exactly what the agent sent, where, through which proxy, and
 * what happened. Rotates by size; `amr monitor` reads it. Never holds a secret.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { appendWhole, renameRetrying } from '../durable-file.js';
import { join } from 'node:path';

export type Channel = 'https' | 'http' | 'tcp' | 'udp' | 'spool';
export type Result = 'ok' | 'duplicate' | 'error' | 'spooled' | 'dropped' | 'quarantined' | 'deferred';

export interface JournalEntry {
  time: string;
  channel: Channel;
  /** URL or host:port; null for spool events. */
  server: string | null;
  /** Proxy URL without credentials (user shown, never the password); null when direct. */
  proxy: string | null;
  type: string | null;
  messageIds: string[];
  bytes: number;
  result: Result;
  latencyMs: number | null;
  /** HTTP status when there was one. */
  status?: number;
  error: string | null;
}

export const JOURNAL_FILE = 'journal.jsonl';
const MAX_BYTES = 1024 * 1024;
const KEEP = 5; // journal.jsonl + journal.1.jsonl … journal.4.jsonl

export function journalDir(dataDir: string): string {
  return join(dataDir, 'journal');
}

export class Journal {
  constructor(readonly dir: string, private readonly scrub: (text: string) => string = (t) => t, private readonly maxBytes = MAX_BYTES) {}

  write(entry: Omit<JournalEntry, 'time'> & { time?: string }): JournalEntry {
    const full: JournalEntry = { time: entry.time ?? new Date().toISOString(), ...entry } as JournalEntry;
    if (full.error) full.error = this.scrub(full.error);
    const line = this.scrub(JSON.stringify(full)) + '\n';
    try {
      mkdirSync(this.dir, { recursive: true });
      this.rotateIfNeeded();
      appendWhole(join(this.dir, JOURNAL_FILE), line, 0o644);
    } catch (e) {
      // The journal is an aid, never a reason to lose or block a message.
      process.stderr.write(`amr: cannot write the journal in ${this.dir}: ${(e as Error).message}\n`);
    }
    return full;
  }

  private rotateIfNeeded(): void {
    const current = join(this.dir, JOURNAL_FILE);
    if (!existsSync(current) || statSync(current).size < this.maxBytes) return;
    rmSync(rotated(this.dir, KEEP - 1), { force: true });
    for (let i = KEEP - 2; i >= 1; i--) {
      if (existsSync(rotated(this.dir, i))) renameRetrying(rotated(this.dir, i), rotated(this.dir, i + 1));
    }
    renameRetrying(current, rotated(this.dir, 1));
  }
}

function rotated(dir: string, n: number): string {
  return join(dir, `journal.${n}.jsonl`);
}

export interface JournalFilter {
  channel?: string;
  result?: string;
  server?: string;
  messageId?: string;
  since?: Date;
  /** Only failures (error, dropped, quarantined, deferred). */
  errorsOnly?: boolean;
}

export function matches(e: JournalEntry, f: JournalFilter): boolean {
  if (f.channel && e.channel !== f.channel) return false;
  if (f.result && e.result !== f.result) return false;
  if (f.server && !(e.server ?? '').includes(f.server)) return false;
  if (f.messageId && !e.messageIds.some((id) => id.startsWith(f.messageId!))) return false;
  if (f.since && new Date(e.time) < f.since) return false;
  if (f.errorsOnly && !['error', 'dropped', 'quarantined', 'deferred'].includes(e.result)) return false;
  return true;
}

/** Parse journal lines; a damaged line (e.g. a crash mid-write) is skipped, not fatal. */
export function parseLines(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.time === 'string' && typeof e.channel === 'string') out.push(e);
    } catch { /* partial line */ }
  }
  return out;
}

/** The last `last` matching entries, oldest first, across rotated files. */
export function readJournal(dir: string, filter: JournalFilter = {}, last = 50): JournalEntry[] {
  const files = [...Array.from({ length: KEEP - 1 }, (_, i) => rotated(dir, KEEP - 1 - i)), join(dir, JOURNAL_FILE)];
  const all: JournalEntry[] = [];
  for (const f of files) {
    if (existsSync(f)) all.push(...parseLines(readFileSync(f, 'utf8')).filter((e) => matches(e, filter)));
  }
  return last > 0 ? all.slice(-last) : all;
}
