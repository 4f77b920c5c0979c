/**
 * The last-sent state (what the dealer last heard per device) in the data folder.
 * Written atomically (temp file, fsync, rename) so a crash or power cut mid-write
 * leaves the previous state, never half a file. An unreadable state is set aside
 * and the run starts afresh: it sends everything once, which loses nothing.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { emptyState, type SendState } from './decide.js';

export const STATE_FILE = 'state.json';

export interface LoadedState {
  state: SendState;
  /** Set when the file existed but could not be used (it was renamed aside). */
  warning: string | null;
}

export function loadState(dataDir: string, now = new Date()): LoadedState {
  const path = join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), warning: null };
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as SendState;
    if (parsed?.version !== 1 || typeof parsed.devices !== 'object' || parsed.devices === null) throw new Error('not a version 1 state');
    return { state: parsed, warning: null };
  } catch (e) {
    const aside = `${path}.bad-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, aside);
    return { state: emptyState(), warning: `${path} was unreadable (${(e as Error).message}); moved to ${aside}, every device is sent afresh` };
  }
}

export function saveState(dataDir: string, state: SendState): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(join(dataDir, STATE_FILE), JSON.stringify(state, null, 1) + '\n');
}

/** Write to a temp file beside the target, flush it to disk, then rename over the target. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
