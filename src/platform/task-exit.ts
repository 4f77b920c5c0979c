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
