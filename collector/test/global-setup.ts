/** Starts one throwaway PostgreSQL cluster (test/pg-setup.sh) for the whole run. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const script = join(import.meta.dirname, 'pg-setup.sh');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  // Collectors on PostgreSQL keep their agent-key file in the user's data folder by default: tests keep it in a temp folder.
  const keyDir = mkdtempSync(join(tmpdir(), 'amr-keys-'));
  process.env.AMR_COLLECTOR_KEY_FILE ??= join(keyDir, 'collector.key');
  const dropKeys = () => rmSync(keyDir, { recursive: true, force: true });
  if (process.env.AMR_TEST_PG_URL) {
    project.provide('pgUrl', process.env.AMR_TEST_PG_URL);
    project.provide('pgError', null);
    return dropKeys;
  }
  const dir = mkdtempSync(join(tmpdir(), 'amr-pg-'));
  try {
    const url = execFileSync('bash', [script, 'start', dir, String(await freePort())], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    project.provide('pgUrl', url);
    project.provide('pgError', null);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    project.provide('pgUrl', null);
    project.provide('pgError', (e.stderr || e.message).trim().split('\n').slice(-3).join(' | '));
  }
  return () => {
    try { execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' }); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
    dropKeys();
  };
}
