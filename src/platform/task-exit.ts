/**
 * Exit codes Task Scheduler cannot misread. "Last Run Result" shows an exit code as
 * the Windows error of the same number: amr's 2 would read "The system cannot find
 * the file specified", 5 "Access is denied". The scheduled task therefore runs
 * `amr run --scheduled`, which sets bit 29 (the "customer" bit: no Windows error has
 * it), so the column shows 0x20000004 for amr's 4, with no misleading text. The low
 * byte stays amr's code. A run by hand keeps the plain codes.
 */
export const CUSTOMER_BIT = 0x2000_0000;

export const SCHEDULED_FLAG = '--scheduled';

export function taskExitCode(code: number): number {
  return code === 0 ? 0 : (CUSTOMER_BIT | (code & 0xffff)) >>> 0;
}

/** amr's own code back from what Task Scheduler shows (for `amr task status`). */
export function amrExitCode(shown: number): number {
  return shown & CUSTOMER_BIT ? shown & 0xffff : shown;
}

/** What amr's exit codes mean (README "amr run" exit table; src/schedule/run.ts RUN_EXIT). */
export const AMR_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  0: 'all good',
  2: 'bad config, or the collector refused this agent: run amr config check, then amr send --dry-run',
  3: 'some printers could not be read: amr status lists them',
  4: 'readings could not be delivered; they stay in the spool for the next run: amr send --dry-run',
  5: 'another run was still in progress; this run did nothing',
  70: 'internal error: report it to your dealer with the log file',
};

/**
 * Task Scheduler's own results (winerror.h; Microsoft, "Task Scheduler Error and Success
 * Constants", learn.microsoft.com/windows/win32/taskschd/task-scheduler-error-and-success-constants)
 * and the Windows codes a technician meets in "Last Run Result" when the program did not start
 * or was stopped. Texts say what to do with an amr task.
 */
export const TASK_RESULTS: Readonly<Record<number, string>> = {
  0x0004_1300: 'ready: the task will run at its next scheduled time',
  0x0004_1301: 'running now',
  0x0004_1302: 'the task is disabled: enable it in Task Scheduler, or run amr install-task again',
  0x0004_1303: 'the task has not run yet',
  0x0004_1304: 'no more runs are scheduled for this task: run amr install-task again',
  0x0004_1305: 'the task is not scheduled (a property it needs is missing): run amr install-task again',
  0x0004_1306: 'the last run was ended before it finished (by a user, schtasks /End, or the task\'s time limit)',
  0x0004_1307: 'the task has no valid trigger: run amr install-task again',
  0x0004_1325: 'the run is queued',
  0x8004_130f: 'the task\'s account information is not set: run amr install-task again',
  0x8004_1310: 'the task\'s account was not found: run amr install-task again (default NETWORK SERVICE)',
  0x8004_131f: 'an instance of this task was already running, so this start was skipped (a run took longer than [schedule] every)',
  0x8004_1320: 'the task did not run because its user is not logged on',
  0x8004_1324: 'Task Scheduler did not start the run because of a condition in the task (network not available, on batteries)',
  0x8004_1326: 'the task is disabled: enable it in Task Scheduler',
  0x8007_0002: 'Windows could not find the program: amr.exe was moved or removed; reinstall amr',
  0x8007_0005: 'access denied when starting the program: check the task\'s account may run amr.exe',
  0x8007_010b: 'the start folder (the data folder) does not exist: reinstall amr or create the folder',
  0x8007_04dd: 'the task\'s user is not logged on',
  0x8007_052e: 'the task\'s account could not log on (wrong password?): run amr install-task again',
  0x8007_10e0: 'Windows refused to start the task (a condition such as "only when logged on", batteries, or the service was stopping)',
  0xc000_013a: 'the run was ended with Ctrl+C or by closing its console (or by shutdown)',
  0xc000_0142: 'the program could not start (DLL initialization failed; often a shutdown or a desktop heap limit)',
};

/** Decodes a "Last Run Result" (as Task Scheduler or schtasks shows it) into words. */
export function describeTaskResult(shown: number): string {
  const v = shown >>> 0;
  const hex = `0x${v.toString(16).toUpperCase()}`;
  if (v === 0) return `${hex}: amr exit 0: ${AMR_EXIT_MEANINGS[0]}`;
  if (v & CUSTOMER_BIT && v <= (CUSTOMER_BIT | 0xffff)) {
    const code = amrExitCode(v);
    return `${hex}: amr exit ${code}: ${AMR_EXIT_MEANINGS[code] ?? 'not a code this amr version uses'}`;
  }
  const known = TASK_RESULTS[v];
  if (known) return `${hex}: ${known}`;
  if (v <= 0xff) {
    // A task registered before --scheduled existed: Windows would show the plain code as a Windows error.
    const meaning = AMR_EXIT_MEANINGS[v];
    return meaning ? `${hex}: amr exit ${v}: ${meaning} (the task runs amr without --scheduled: run amr install-task again)` : `${hex}: exit code ${v}`;
  }
  return `${hex}: not a code of amr or Task Scheduler`;
}

/**
 * The "Last Result" of `schtasks /Query /TN name /V /FO LIST` (a signed decimal, e.g.
 * -2147216609 for 0x8004131F). The labels are translated on non-English Windows, so the
 * value is also found by position: Last Result is the fifth line after the TaskName line,
 * whose value (\name) no translation changes. Null when not found.
 */
export function lastResultOf(listOutput: string, taskName: string): number | null {
  const lines = listOutput.split(/\r?\n/);
  const number = (line: string | undefined): number | null => {
    const m = /^[^:]+:\s*(-?\d+|0x[0-9a-f]+)\s*$/i.exec(line ?? '');
    return m ? Number(m[1]) >>> 0 : null;
  };
  const english = lines.find((l) => /^Last Result:/i.test(l));
  if (english !== undefined) return number(english);
  const at = lines.findIndex((l) => l.replace(/^[^:]+:\s*/, '').trim().toLowerCase() === `\\${taskName}`.toLowerCase());
  return at < 0 ? null : number(lines[at + 5]);
}
