/** Run outcomes for the Windows Event Log and exit codes Task Scheduler cannot misread. */
import { describe, expect, it } from 'vitest';
import { EVENTS, registerSourceCommand, runEventCommand, type RunOutcome } from '../../src/platform/eventlog.js';
import { amrExitCode, taskExitCode } from '../../src/platform/task-exit.js';
import { RUN_EXIT } from '../../src/schedule/run.js';
import { amr } from '../helpers/cli.js';

const ENV = { SystemRoot: 'C:\\Windows' };
const base: RunOutcome = { exitCode: 0, outcome: 'ok', devices: 12, read: 12, unreachable: [], messages: 2, delivered: 2, notes: [] };

describe('Event Log entries (eventcreate by full path, source amr)', () => {
  it('one ID and type per outcome', () => {
    const cases: Array<[Partial<RunOutcome>, string, string]> = [
      [{}, '100', 'INFORMATION'],
      [{ exitCode: 3, outcome: 'unreachable', read: 10, unreachable: ['10.0.0.7', '10.0.0.9'] }, '103', 'WARNING'],
      [{ exitCode: 4, outcome: 'undelivered', delivered: 0 }, '104', 'ERROR'],
      [{ exitCode: 5, outcome: 'busy' }, '105', 'WARNING'],
      [{ exitCode: 2, outcome: 'refused' }, '102', 'ERROR'],
      [{ exitCode: 70, notes: ['run failed: boom'] }, '170', 'ERROR'],
    ];
    for (const [over, id, type] of cases) {
      const argv = runEventCommand({ ...base, ...over }, undefined, ENV);
      expect(argv.slice(0, 9)).toEqual(['C:\\Windows\\System32\\eventcreate.exe', '/L', 'APPLICATION', '/SO', 'amr', '/T', type, '/ID', id]);
    }
    // Every exit status `amr run` uses has its own event.
    for (const [outcome, code] of Object.entries(RUN_EXIT)) {
      expect(EVENTS[outcome]?.id, outcome).toBe(100 + code);
    }
  });

  it('the description says what happened, without secrets or quotes, in one bounded argument', () => {
    const argv = runEventCommand({
      ...base, exitCode: 3, outcome: 'unreachable', read: 11, unreachable: ['10.0.0.7'],
      notes: ['proxy said "no" to c0mmunity-S3cret\r\nsecond line', 'x'.repeat(2000)],
    }, (t) => t.replaceAll('c0mmunity-S3cret', '***'), ENV);
    const d = argv[10]!;
    expect(argv).toHaveLength(11);
    expect(d.startsWith('amr run: some printers could not be read (exit 3). Read 11 of 12 printer(s); unreachable: 10.0.0.7. Messages: 2 new, 2 delivered. proxy said no to *** second line')).toBe(true);
    expect(d).not.toMatch(/["\r\n]|S3cret/);
    expect(d.length).toBeLessThanOrEqual(1000);
  });

  it('install-task registers the source once, as administrator', () => {
    expect(registerSourceCommand(ENV).slice(0, 9)).toEqual(['C:\\Windows\\System32\\eventcreate.exe', '/L', 'APPLICATION', '/SO', 'amr', '/T', 'INFORMATION', '/ID', '1']);
  });
});

describe('Task Scheduler "Last Run Result"', () => {
  it('the scheduled run sets the customer bit: no Windows error text, amr\'s code in the low byte', () => {
    expect(taskExitCode(0)).toBe(0);
    expect(taskExitCode(2)).toBe(0x20000002);
    expect(taskExitCode(5)).toBe(0x20000005);
    expect(taskExitCode(70)).toBe(0x20000046);
    for (const c of [0, 2, 3, 4, 5, 70]) expect(amrExitCode(taskExitCode(c))).toBe(c);
    expect(amrExitCode(5)).toBe(5);
  });

  it('amr ... --scheduled exits with the mapped code (low byte on Linux: the same number)', async () => {
    const plain = await amr(['config', 'check', '--config', '/nonexistent/amr.ini']);
    expect(plain.code).toBe(2);
    const scheduled = await amr(['config', 'check', '--config', '/nonexistent/amr.ini', '--scheduled']);
    // POSIX keeps the low 8 bits of 0x20000002; Windows keeps all 32.
    expect(scheduled.code).toBe(taskExitCode(2) & 0xff);
    expect(scheduled.stderr).toBe(plain.stderr);
  });
});
