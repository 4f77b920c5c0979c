/**
 * `amr task status` on Windows: Task Scheduler's "Last Run Result" in words. The
 * schtasks outputs are real (test/task/fixtures/README.md); the decoding is pure.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerTask } from '../../src/commands/task.js';
import { describeTaskResult, lastResultOf, taskExitCode } from '../../src/platform/task-exit.js';
import type { CommandRunner } from '../../src/task/install.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('describeTaskResult', () => {
  it('reads amr\'s scheduled exit codes (customer bit 29) back as amr exit N with its meaning', () => {
    expect(describeTaskResult(taskExitCode(4))).toBe('0x20000004: amr exit 4: readings could not be delivered; they stay in the spool for the next run: amr send --dry-run');
    expect(describeTaskResult(taskExitCode(2))).toMatch(/^0x20000002: amr exit 2: bad config, or the collector refused/);
    expect(describeTaskResult(taskExitCode(3))).toMatch(/^0x20000003: amr exit 3: some printers could not be read/);
    expect(describeTaskResult(taskExitCode(5))).toMatch(/^0x20000005: amr exit 5: another run was still in progress/);
    expect(describeTaskResult(taskExitCode(70))).toMatch(/^0x20000046: amr exit 70: internal error/);
    expect(describeTaskResult(0x2000_0009)).toBe('0x20000009: amr exit 9: not a code this amr version uses');
    expect(describeTaskResult(0)).toBe('0x0: amr exit 0: all good');
  });

  it('names Task Scheduler\'s own results, given as schtasks prints them (signed decimal) or as the GUI shows them', () => {
    expect(describeTaskResult(267009)).toBe('0x41301: running now');
    expect(describeTaskResult(0x41303)).toBe('0x41303: the task has not run yet');
    expect(describeTaskResult(-2147216609)).toMatch(/^0x8004131F: an instance of this task was already running/);
    expect(describeTaskResult(0xc000013a)).toMatch(/^0xC000013A: the run was ended with Ctrl\+C/);
    expect(describeTaskResult(0x800710e0)).toMatch(/^0x800710E0: Windows refused to start the task/);
    expect(describeTaskResult(0x8007010b)).toMatch(/the start folder \(the data folder\) does not exist/);
    expect(describeTaskResult(0x41306)).toMatch(/ended before it finished/);
  });

  it('a plain small code (a task registered without --scheduled) is read as amr\'s, with the fix', () => {
    expect(describeTaskResult(2)).toBe('0x2: amr exit 2: bad config, or the collector refused this agent: run amr config check, then amr send --dry-run (the task runs amr without --scheduled: run amr install-task again)');
    expect(describeTaskResult(9)).toBe('0x9: exit code 9');
  });

  it('says so for a code it does not know, instead of guessing', () => {
    expect(describeTaskResult(0x80070057)).toBe('0x80070057: not a code of amr or Task Scheduler');
    // The customer bit with high bits set is not one of amr's.
    expect(describeTaskResult(0x2001_0004)).toBe('0x20010004: not a code of amr or Task Scheduler');
  });
});

describe('lastResultOf (schtasks /Query /V /FO LIST)', () => {
  it('finds the signed decimal in real outputs, with LF or CRLF line ends', () => {
    const running = fixture('schtasks-list-already-running.txt');
    expect(lastResultOf(running, 'delAdminFiles')).toBe(0x8004131f);
    expect(lastResultOf(running.replace(/\n/g, '\r\n'), 'delAdminFiles')).toBe(0x8004131f);
    expect(lastResultOf(fixture('schtasks-list-not-yet-run.txt'), 'Apple\\AppleSoftwareUpdate')).toBe(0x41303);
  });

  it('on a Windows in another language finds it by position after the TaskName line', () => {
    // The same real output with its labels translated (German labels for the test: only their position matters).
    const german = fixture('schtasks-list-already-running.txt')
      .replace('TaskName:', 'Aufgabenname:').replace('Last Result:', 'Letztes Ergebnis:').replace('Last Run Time:', 'Letzte Laufzeit:');
    expect(lastResultOf(german, 'delAdminFiles')).toBe(0x8004131f);
    expect(lastResultOf(german, 'amr')).toBeNull();
  });

  it('null when there is no value to read', () => {
    expect(lastResultOf('', 'amr')).toBeNull();
    expect(lastResultOf('Last Result:                          N/A\n', 'amr')).toBeNull();
  });
});

describe('amr task status --platform win32', () => {
  it('prints schtasks\' view, then the last run result in words', async () => {
    const listing = fixture('schtasks-list-already-running.txt')
      .replace(/\\delAdminFiles/, '\\amr').replace('-2147216609', String(taskExitCode(4) | 0));
    const calls: string[][] = [];
    const runner: CommandRunner = async (argv) => { calls.push(argv); return { code: 0, stdout: listing, stderr: '' }; };
    let out = '';
    const program = new Command('amr').exitOverride();
    registerTask(program, {
      host: { platform: 'win32', now: new Date(2026, 2, 10), hostname: 'pc', env: { SystemRoot: 'C:\\Windows', ProgramFiles: 'C:\\Program Files' } },
      runner, out: (t) => { out += t.toString(); }, err: () => {},
    });
    await program.parseAsync(['node', 'amr', 'task', 'status', '--platform', 'win32', '--data-dir', 'C:\\DriverPrinter']);
    expect(calls.at(-1)).toEqual(['C:\\Windows\\System32\\schtasks.exe', '/Query', '/TN', 'amr', '/V', '/FO', 'LIST']);
    expect(out).toContain('Last Result:                          536870916');
    expect(out).toContain('last run result: 0x20000004: amr exit 4: readings could not be delivered');
  });
});
