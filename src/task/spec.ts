/**
 * What a scheduled task runs and when, independent of the platform. The Windows,
 * systemd and launchd generators each turn one TaskSpec into their own definition.
 */
import { UserError } from '../errors.js';

export type TaskPlatform = 'win32' | 'linux' | 'darwin';

export interface TaskSpec {
  /** Task name (Windows), unit base name (systemd), label (launchd). */
  name: string;
  /** The program to start (node, or an installed amr.cmd / amr). */
  program: string;
  /** Arguments before `run`, e.g. the path of bin/amr.js when program is node. */
  programArgs: string[];
  /** config.ini the run uses. */
  configPath: string;
  /** Data folder: working directory of the run. */
  dataDir: string;
  /** How often amr run starts. */
  everyMs: number;
  /** [schedule] time_budget: the task's own time limit is derived from it. */
  timeBudgetMs: number;
  /** Delay of the run after start-up. */
  bootDelayMs: number;
  /** Account: null means the platform default (SYSTEM on Windows, root / the calling user elsewhere). */
  user: string | null;
  description: string;
}

export const DEFAULT_TASK_NAME = 'amr';
export const DEFAULT_BOOT_DELAY_MS = 5 * 60_000;

/** Full command line arguments of the scheduled run, program first. */
export function runArgv(spec: TaskSpec): string[] {
  return [spec.program, ...spec.programArgs, 'run', '--config', spec.configPath];
}

/**
 * The scheduler's hard limit for one run: the run stops itself when its budget is
 * spent, so the limit only catches a hung process. Budget plus half, at least 10 minutes more.
 */
export function executionLimitMs(spec: Pick<TaskSpec, 'timeBudgetMs'>): number {
  const extra = Math.max(Math.round(spec.timeBudgetMs / 2), 10 * 60_000);
  return Math.ceil((spec.timeBudgetMs + extra) / 60_000) * 60_000;
}

/** The limits every scheduler shares: at least a minute, at most 31 days (Task Scheduler's bound). */
export function checkEvery(everyMs: number): void {
  if (!Number.isFinite(everyMs) || everyMs < 60_000 || everyMs > 31 * 86_400_000) {
    throw new UserError(`[schedule] every must be between 1m and 31d (got ${everyMs / 1000}s); set it in config.ini or pass --every, e.g. --every 4h`);
  }
}

/** A task name must be usable as a Windows task name, a systemd unit name and a launchd label. */
export function checkTaskName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UserError(`task name "${name}" is not allowed: use letters, digits, ".", "_" or "-" (at most 64), e.g. amr`);
  }
}
