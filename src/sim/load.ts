/** Recordings from disk: files and folders of .snmprec, in a stable order. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SnmprecError, parseSnmprec } from '../snmp/snmprec.js';
import { compareOids, type Varbind } from '../snmp/types.js';

export interface Recording {
  file: string;
  name: string;
  varbinds: Varbind[];
  /** Lines that could not be parsed and are not served, e.g. "okilan_9450g.snmprec:23: bad number". */
  skipped: string[];
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

/**
 * Real recordings carry the odd corrupt line (a counter recorded as "6git3159"); an agent
 * serving the rest is more useful than none, so bad lines are skipped and listed.
 */
export function loadRecording(file: string): Recording {
  const name = basename(file);
  const text = readFileSync(file, 'utf8');
  try {
    return { file, name, varbinds: parseSnmprec(text, name), skipped: [] };
  } catch (error) {
    if (!(error instanceof SnmprecError)) throw error;
  }
  const varbinds: Varbind[] = [];
  const skipped: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    try {
      varbinds.push(...parseSnmprec(line, name));
    } catch (error) {
      if (!(error instanceof SnmprecError)) throw error;
      skipped.push(error.message.replace(`${name}:1:`, `${name}:${i + 1}:`));
    }
  });
  return { file, name, varbinds: varbinds.sort((a, b) => compareOids(a.oid, b.oid)), skipped };
}
