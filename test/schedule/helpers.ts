/** Shared helpers for the schedule tests: temp folders, xmllint, a TaskSpec. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskSpec } from '../../src/task/spec.js';

export const XSD = fileURLToPath(new URL('../fixtures/windows/task-scheduler.xsd', import.meta.url));

export function tempDir(prefix = 'amr-sched-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Path of a tool, or a thrown error saying which Debian package provides it (the test fails, never skips). */
export function requireTool(name: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not installed: apt-get install ${pkg} (needed to validate generated files)`);
  return found.stdout.trim();
}

/** Run xmllint; returns {ok, output}. */
export function xmllint(args: string[]): { ok: boolean; output: string } {
  requireTool('xmllint', 'libxml2-utils');
  const r = spawnSync('xmllint', args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function winSpec(over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    name: 'amr',
    program: 'C:\\Program Files\\nodejs\\node.exe',
    programArgs: ['C:\\Program Files\\amr\\bin\\amr.js'],
    configPath: 'C:\\DriverPrinter\\config.ini',
    dataDir: 'C:\\DriverPrinter',
    everyMs: 4 * 3_600_000,
    timeBudgetMs: 15 * 60_000,
    bootDelayMs: 5 * 60_000,
    user: null,
    description: 'amr: reads the printers\' counters and supplies and delivers them to the dealer',
    ...over,
  };
}

export { execFileSync };
