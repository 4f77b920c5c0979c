/**
 * The one error hierarchy through the real CLI: a user's mistake is one line and exit 2;
 * anything else is one line and exit 70 (internal error), its stack only with AMR_DEBUG.
 */
import { cpSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { execFile } from 'node:child_process';
import { tempDir } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('exit codes and one-line errors', () => {
  it('a bad option value is a user error: one line naming the option, exit 2, no stack', async () => {
    const r = await amr(['discover', '127.0.0.1', '--retries', 'many', '--no-save']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['amr: bad --retries "many": use a whole number from 0 to 10']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an option value outside its choices is a usage error, exit 2', async () => {
    const r = await amr(['discover', '127.0.0.1', '--no-save', '--snmp-version', '4']);
    // commander refuses a value outside the listed choices itself, with its usage hint.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--snmp-version/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unexpected failure (a broken installation) is one line and exit 70; AMR_DEBUG=1 adds the stack', async () => {
    // A copy of the installed package with one lazily loaded module missing: the
    // `discover` command fails when it loads its implementation.
    const dir = tempDir('amr-broken-');
    for (const part of ['bin', 'dist', 'registry', 'package.json', 'config.ini']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    unlinkSync(join(dir, 'dist', 'discover', 'run.js'));
    const run = (env: NodeJS.ProcessEnv) => new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(dir, 'bin', 'amr.js'), 'discover', '127.0.0.1', '--no-save'], {
        env: { ...process.env, NO_COLOR: '1', AMR_CONFIG: '', AMR_DEBUG: '', AMR_DATA_DIR: join(dir, 'data'), ...env },
      }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
    });
    const plain = await run({});
    expect(plain.code).toBe(70);
    expect(lines(plain.stderr)).toHaveLength(1);
    expect(plain.stderr).toMatch(/^amr: internal error: .*discover.*run\.js.* \(set AMR_DEBUG=1 for details; please report it to your dealer\)\n$/);
    const debug = await run({ AMR_DEBUG: '1' });
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/^amr: internal error: .*stack follows/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
