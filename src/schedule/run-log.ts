/**
 * One JSON line per `amr run` in the journal folder (runs.jsonl, beside the delivery
 * journal): what a run read, sent and delivered, and its exit status, so an unattended
 * agent's history can be read afterwards. Rotated by size; scrubbed of secrets.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { journalDir } from '../transport/journal.js';
import { appendWhole } from '../durable-file.js';

export const RUN_LOG_FILE = 'runs.jsonl';
const MAX_BYTES = 512 * 1024;

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** "ok", "unreachable", "undelivered", "busy" (another run held the lock). */
  outcome: string;
  rediscovered: boolean;
  devices: number;
  read: number;
  unreachable: string[];
  unread: number;
  sent: Record<string, number>;
  messages: number;
  delivered: number | null;
  undelivered: number | null;
  /** Messages left in the spool and set aside in its quarantine after the run (absent in older records). */
  spooled?: number | null;
  quarantined?: number | null;
  notes: string[];
}

export function appendRunRecord(dataDir: string, record: RunRecord, scrub: (t: string) => string = (t) => t): void {
  const dir = journalDir(dataDir);
  const file = join(dir, RUN_LOG_FILE);
  try {
    mkdirSync(dir, { recursive: true });
    if (existsSync(file) && statSync(file).size > MAX_BYTES) renameSync(file, join(dir, 'runs.1.jsonl'));
    appendWhole(file, scrub(JSON.stringify(record)) + '\n', 0o644);
  } catch (e) {
    // The run log is an aid; it never fails a run.
    process.stderr.write(`amr: cannot write ${file}: ${(e as Error).message}\n`);
  }
}

export function readRunRecords(dataDir: string, last = 20): RunRecord[] {
  const file = join(journalDir(dataDir), RUN_LOG_FILE);
  if (!existsSync(file)) return [];
  const out: RunRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line) as RunRecord); } catch { /* a torn last line after a crash */ }
  }
  return out.slice(-last);
}
