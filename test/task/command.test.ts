import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerTask, type TaskCommandDeps } from '../../src/commands/task.js';
import type { CommandRunner, HostFacts } from '../../src/task/install.js';
import { utf16leWithBom } from '../../src/task/windows.js';
import { tempDir, XSD, xmllint } from '../schedule/helpers.js';

const tmp = tempDir('amr task ');
afterAll(() => tmp.cleanup());

const WIN_PROGRAM = ['--program', 'C:\\Program Files\\nodejs\\node.exe', '--script', 'C:\\Program Files\\amr\\bin\\amr.js'];

/** Runs `amr <args>` with the task commands only, a recording runner and captured output. */
async function amr(args: string[], host: Partial<HostFacts> = {}, answers: Record<string, number> = {}) {
  const calls: string[][] = [];
  const runner: CommandRunner = async (argv) => {
    calls.push(argv);
    const code = answers[argv.slice(0, 3).join(' ')] ?? 0;
    return { code, stdout: code ? '' : `ok: ${argv.join(' ')}\n`, stderr: code ? 'ERROR: The system cannot find the file specified.' : '' };
  };
  const chunks: Buffer[] = [];
  let stderr = '';
  const deps: Partial<TaskCommandDeps> = {
    host: { now: new Date(2026, 2, 10, 9, 0, 0), hostname: 'frontdesk-pc', env: { SystemRoot: 'C:\\Windows', ProgramFiles: 'C:\\Program Files' }, ...host },
    runner,
    out: (t) => { chunks.push(Buffer.isBuffer(t) ? t : Buffer.from(t)); },
    err: (t) => { stderr += t; },
  };
  const program = new Command('amr').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerTask(program, deps);
  let error: (Error & { exitCode?: number }) | null = null;
  try {
    await program.parseAsync(['node', 'amr', ...args]);
  } catch (e) {
    error = e as Error;
  }
  const bytes = Buffer.concat(chunks);
  // Windows --print writes UTF-16 LE with a BOM; decode it for the text checks.
  const output = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8');
  return { output, bytes, stderr, calls, error };
}

describe('amr install-task --print', () => {
  it('Windows: prints exactly the bytes it registers (UTF-16 LE with BOM), valid against the schema; the commands on stderr', async () => {
    const r = await amr(['install-task', '--print', '--platform', 'win32', ...WIN_PROGRAM]);
    expect(r.error).toBeNull();
    expect(r.calls).toEqual([]); // nothing registered
    const xml = r.output;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-16"?>')).toBe(true);
    expect(xml).toContain('<Interval>PT4H</Interval>');
    expect(xml).toContain('<UserId>S-1-5-20</UserId>');
    expect(xml).toContain('<Arguments>"C:\\Program Files\\amr\\bin\\amr.js" run --config C:\\DriverPrinter\\config.ini --scheduled</Arguments>');
    expect(xml).toContain('<WorkingDirectory>C:\\DriverPrinter</WorkingDirectory>');
    // The same bytes install-task writes and registers.
    const { planTask } = await import('../../src/task/install.js');
    const { spec } = { spec: { name: 'amr', program: 'C:\\Program Files\\nodejs\\node.exe', programArgs: ['C:\\Program Files\\amr\\bin\\amr.js'],
      configPath: 'C:\\DriverPrinter\\config.ini', dataDir: 'C:\\DriverPrinter', everyMs: 4 * 3_600_000, timeBudgetMs: 15 * 60_000,
      bootDelayMs: 5 * 60_000, user: 'NETWORK SERVICE', description: 'amr printer monitoring: reads the printers\' page counters, supplies and alerts and delivers them to the dealer' } };
    const plan = planTask(spec, { platform: 'win32', root: false, home: '/', uid: -1, systemd: false, now: new Date(2026, 2, 10, 9, 0, 0), hostname: 'frontdesk-pc', env: { SystemRoot: 'C:\\Windows' } });
    expect(r.bytes.equals(plan.files[0]!.content as Buffer)).toBe(true);
    expect([r.bytes[0], r.bytes[1]]).toEqual([0xff, 0xfe]);
    expect(r.stderr).toContain('C:\\Windows\\System32\\schtasks.exe /Create /TN amr /XML C:\\DriverPrinter\\amr-task.xml /F');
    expect(r.stderr).toContain('C:\\Windows\\System32\\icacls.exe C:\\DriverPrinter /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-20:(OI)(CI)M /Q');
    expect(r.stderr).toContain('C:\\Windows\\System32\\schtasks.exe /Delete /TN amr /F');
    const file = join(tmp.path, 'printed.xml');
    writeFileSync(file, r.bytes);
    const v = xmllint(['--noout', '--schema', XSD, file]);
    expect(v.output).toContain('validates');
  });

  it('Windows: --every, --user, a data folder with spaces', async () => {
    const r = await amr(['install', '--print', '--platform', 'win32', ...WIN_PROGRAM,
      '--every', '6h', '--user', 'ACME\\printsvc', '--data-dir', 'D:\\Print Data\\amr']);
    expect(r.error).toBeNull();
    expect(r.output).toContain('<Interval>PT6H</Interval>');
    expect(r.output).toContain('<UserId>ACME\\printsvc</UserId>');
    expect(r.output).toContain('--config "D:\\Print Data\\amr\\config.ini" --scheduled</Arguments>');
    expect(r.stderr).toContain('C:\\Windows\\System32\\schtasks.exe /Create /TN amr /XML "D:\\Print Data\\amr\\amr-task.xml" /RU ACME\\printsvc /RP * /F');
    expect(r.stderr).toContain('"D:\\Print Data\\amr" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F ACME\\printsvc:(OI)(CI)M');
    const file = join(tmp.path, 'printed2.xml');
    writeFileSync(file, r.bytes);
    expect(xmllint(['--noout', '--schema', XSD, file]).ok).toBe(true);
  });

  it('Windows: refuses a program outside %ProgramFiles% (a folder users can change)', async () => {
    const r = await amr(['install-task', '--print', '--platform', 'win32',
      '--program', 'C:\\Program Files\\nodejs\\node.exe', '--script', 'C:\\Users\\tech\\AppData\\Roaming\\npm\\node_modules\\amr\\bin\\amr.js']);
    expect(r.error?.message).toMatch(/^C:\\Users\\tech\\AppData\\Roaming\\npm\\node_modules\\amr\\bin\\amr\.js is not in C:\\Program Files: a scheduled task must not run a file ordinary users can change/);
    expect((r.error as { exitCode?: number }).exitCode).toBe(2);
    const x86 = await amr(['install-task', '--print', '--platform', 'win32', '--program', 'C:\\Program Files (x86)\\amr\\amr.exe']);
    expect(x86.error).toBeNull();
    const prefixTrick = await amr(['install-task', '--print', '--platform', 'win32', '--program', 'C:\\Program Files Evil\\amr.exe']);
    expect(prefixTrick.error?.message).toMatch(/is not in C:\\Program Files/);
  });

  it('Linux: service and timer units, the systemctl commands and the cron alternative', async () => {
    const dataDir = join(tmp.path, 'print data');
    const r = await amr(['install-task', '--print', '--data-dir', dataDir, '--every', '2h'], { platform: 'linux', root: true });
    expect(r.error).toBeNull();
    expect(r.output).toContain('# /etc/systemd/system/amr.service');
    expect(r.output).toContain(`ExecStart="${process.execPath}"`);
    expect(r.output).toContain(`--config" "${dataDir}/config.ini"`.replace('--config"', '"--config"'));
    expect(r.output).toContain('OnCalendar=*-*-* 00/2:00:00');
    expect(r.output).toContain('systemctl enable --now amr.timer');
    expect(r.output).toMatch(/# 0 \*\/2 \* \* \* cd /);
  });

  it('macOS: a launchd plist plus the launchctl command', async () => {
    const r = await amr(['install-task', '--print', '--platform', 'darwin', '--program', '/usr/local/bin/node', '--script', '/usr/local/lib/node_modules/amr/bin/amr.js'], { root: false, home: '/Users/ann', uid: 501 });
    expect(r.error).toBeNull();
    expect(r.output).toContain('<key>StartInterval</key>\n  <integer>14400</integer>');
    expect(r.output).toContain('launchctl bootstrap gui/501 /Users/ann/Library/LaunchAgents/net.amr.amr.plist');
    const file = join(tmp.path, 'printed.plist');
    writeFileSync(file, r.output);
    expect(xmllint(['--noout', '--nonet', file]).ok).toBe(true);
  });

  it('bad options get one clear line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['install-task', '--print', '--every', 'often'], /--every "often" is not a duration/],
      [['install-task', '--print', '--every', '30s'], /between 1m and 31d/],
      [['install-task', '--print', '--name', 'my task'], /task name "my task" is not allowed/],
      [['install-task', '--print', '--platform', 'win32'], /also give --program/],
      [['install-task', '--print', '--platform', 'aix', ...WIN_PROGRAM], /scheduled tasks are made for win32, linux, darwin/],
      [['install-task', '--print', '--program', join(tmp.path, 'nonexistent-node')], /does not exist/],
    ];
    for (const [args, message] of cases) {
      const r = await amr(args, { platform: 'linux' });
      expect(r.error?.name, args.join(' ')).toBe('UserError');
      expect(r.error?.message).toMatch(message);
      expect(r.error?.message).not.toContain('\n');
    }
  });
});

describe('amr install-task / uninstall-task / task status (recorded commands, nothing registered)', () => {
  const home = join(tmp.path, 'home');
  const dataDir = join(tmp.path, 'data dir');
  const host: Partial<HostFacts> = { platform: 'linux', root: false, home, systemd: true };
  const unitDir = join(home, '.config', 'systemd', 'user');

  it('installs user units and enables the timer', async () => {
    const r = await amr(['install-task', '--data-dir', dataDir], host);
    expect(r.error).toBeNull();
    expect(r.calls).toEqual([['systemctl', '--user', 'daemon-reload'], ['systemctl', '--user', 'enable', '--now', 'amr.timer']]);
    expect(readFileSync(join(unitDir, 'amr.timer'), 'utf8')).toContain('OnBootSec=5min');
    expect(readFileSync(join(unitDir, 'amr.service'), 'utf8')).toContain(`WorkingDirectory=${dataDir}`);
    expect(existsSync(dataDir)).toBe(true);
    expect(r.output).toMatch(/^installed: amr.timer runs amr run every 4h and 5m after start-up as you/);
    expect(r.output).toContain('loginctl enable-linger');
    expect(r.output).toContain('no config.ini at');
  });

  it('task status shows the scheduler\'s view and whether a run holds the lock', async () => {
    const r = await amr(['task', 'status', '--data-dir', dataDir], host);
    expect(r.error).toBeNull();
    expect(r.calls).toEqual([['systemctl', '--user', 'status', '--no-pager', 'amr.timer', 'amr.service']]);
    expect(r.output).toContain('no run in progress');
    expect(r.output).toContain('no run recorded yet');
  });

  it('uninstall disables the timer, removes the units, reloads', async () => {
    const r = await amr(['uninstall-task', '--data-dir', dataDir], host);
    expect(r.error).toBeNull();
    expect(r.calls).toEqual([['systemctl', '--user', 'disable', '--now', 'amr.timer'], ['systemctl', '--user', 'daemon-reload']]);
    expect(existsSync(join(unitDir, 'amr.timer'))).toBe(false);
    expect(existsSync(dataDir)).toBe(true);
    const again = await amr(['uninstall-task', '--data-dir', dataDir], host);
    expect(again.output).toBe('no scheduled task "amr" was registered\n');
    const status = await amr(['task', 'status', '--data-dir', dataDir], host);
    expect(status.error?.message).toBe('no scheduled task "amr" is registered: run amr install-task');
    expect(status.error?.exitCode).toBe(1);
  });

  it('without systemd it says to use cron, with the line', async () => {
    const r = await amr(['install-task', '--data-dir', dataDir], { ...host, systemd: false });
    expect(r.error?.message).toMatch(/systemd is not running here: add these lines with crontab -e/);
    expect(r.calls).toEqual([]);
  });

  it('--user needs root for systemd units', async () => {
    const r = await amr(['install-task', '--data-dir', dataDir, '--user', 'amr'], host);
    expect(r.error?.message).toMatch(/--user amr needs root/);
  });

  it('a failing schtasks is reported in one line with a hint', async () => {
    // Windows registration is carried out on Windows only; here the plan's runner sees a refusal.
    const { installTask, planTask } = await import('../../src/task/install.js');
    const spec = {
      name: 'amr', program: 'C:\\node\\node.exe', programArgs: [], configPath: 'C:\\DriverPrinter\\config.ini',
      dataDir: join(tmp.path, 'win data'), everyMs: 4 * 3_600_000, timeBudgetMs: 900_000, bootDelayMs: 300_000, user: null, description: 'x',
    };
    const winHost: HostFacts = { platform: 'win32', root: false, home, uid: -1, systemd: false, now: new Date(), hostname: 'pc' };
    const plan = planTask(spec, winHost);
    plan.files = plan.files.map((f) => ({ ...f, path: join(spec.dataDir, 'amr-task.xml') }));
    mkdirSync(spec.dataDir, { recursive: true });
    const calls: string[][] = [];
    const refuse: CommandRunner = async (argv) => {
      calls.push(argv);
      return /schtasks/.test(argv[0]!) ? { code: 1, stdout: '', stderr: 'ERROR: Access is denied.\r\n' } : { code: 0, stdout: '', stderr: '' };
    };
    await expect(installTask(plan, { ...winHost, env: { SystemRoot: 'C:\\Windows' } }, refuse)).rejects.toThrow(/^C:\\Windows\\System32\\schtasks\.exe \/Create .* failed: ERROR: Access is denied\. \(run as administrator \/ root\)$/);
    // The data folder, and config.ini which lives elsewhere here, are closed (icacls, by full path) before the task is registered.
    expect(calls.map((c) => c[0]!.split('\\').pop())).toEqual(['icacls.exe', 'icacls.exe', 'icacls.exe', 'schtasks.exe']);
    expect(calls[2]).toEqual(['C:\\Windows\\System32\\icacls.exe', 'C:\\DriverPrinter\\config.ini', '/inheritance:r', '/grant:r', '*S-1-5-32-544:F', '*S-1-5-18:F', '*S-1-5-20:R', '/Q']);
    // Registering the Event Log source is best effort: its failure is a note, the task stands.
    const noEventcreate: CommandRunner = async (argv) => (/eventcreate/.test(argv[0]!) ? { code: 127, stdout: '', stderr: `${argv[0]}: not found` } : { code: 0, stdout: '', stderr: '' });
    const notes = await installTask(plan, winHost, noEventcreate);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/eventcreate\.exe \/L APPLICATION \/SO amr .* failed \(.*not found\): runs are not written to the Windows Event Log/);
    const written = readFileSync(join(spec.dataDir, 'amr-task.xml'));
    expect([written[0], written[1]]).toEqual([0xff, 0xfe]);
  });
});
