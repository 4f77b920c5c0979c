/**
 * The last-sent state (what the dealer last heard per device) in the data folder.
 * Written with the durable-file helper (checked writes, temp file, fsync, rename) so a
 * crash, power cut or full disk mid-write leaves the previous state, never half a file. An unreadable state is set aside
 * and the run starts afresh: it sends everything once, which loses nothing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { renameRetrying, writeFileDurable } from '../durable-file.js';
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
    renameRetrying(path, aside);
    return { state: emptyState(), warning: `${path} was unreadable (${(e as Error).message}); moved to ${aside}, every device is sent afresh` };
  }
}

export function saveState(dataDir: string, state: SendState): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileDurable(join(dataDir, STATE_FILE), JSON.stringify(state, null, 1) + '\n');
}
