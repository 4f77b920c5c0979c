/** Recordings from disk: files and folders of .snmprec, in a stable order. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseSnmprec } from '../snmp/snmprec.js';
import type { Varbind } from '../snmp/types.js';

export interface Recording {
  file: string;
  name: string;
  varbinds: Varbind[];
}

/** Expand folders to the .snmprec files inside them (sorted); files are kept as given. */
export function recordingFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      out.push(...readdirSync(p).filter((f) => f.endsWith('.snmprec')).sort().map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

export function loadRecording(file: string): Recording {
  const name = basename(file);
  return { file, name, varbinds: parseSnmprec(readFileSync(file, 'utf8'), name) };
}
