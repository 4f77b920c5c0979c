/**
 * Temporary folders for tests. `tempDir()` makes one under the system temp folder and
 * removes it (with whatever is inside) after the test file, from the setup file
 * test/helpers/tmp-cleanup.ts; `npm test` fails a run that leaves any folder behind.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A fresh folder, removed after this test file (earlier with `removeTempDir`). */
export function tempDir(prefix = 'amr-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/**
 * A fresh folder holding config.ini: `text`, or `text(folder)` for a config that names the
 * folder (data_dir = folder). Removed after this test file.
 */
export function tempConfig(text: string | ((dir: string) => string), prefix = 'amr-config-'): { dir: string; file: string; text: string } {
  const dir = tempDir(prefix);
  const file = join(dir, 'config.ini');
  const content = typeof text === 'string' ? text : text(dir);
  writeFileSync(file, content);
  return { dir, file, text: content };
}

/** Remove one folder made by `tempDir` now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.delete(dir);
}

/** Remove every folder made by `tempDir` in this test file (the setup file's afterAll). */
export function removeTempDirs(): void {
  for (const dir of [...made]) removeTempDir(dir);
}
