/**
 * The agent's log file, amr.log in the data folder: one line per event of a run
 * (start, rediscovery, the outcome, every note), at or above [agent] log_level.
 * Rotated by size (amr.log, amr.1.log, amr.2.log); secrets scrubbed; control
 * characters from devices or servers made inert. A log that cannot be written
 * never fails a run: it says so once on stderr.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appendWhole, renameRetrying } from '../durable-file.js';
import { inert } from '../inert.js';

export const LOG_FILE = 'amr.log';
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const MAX_BYTES = 1024 * 1024;
const KEEP = 3;

export interface AgentLog {
  error(line: string): void;
  warn(line: string): void;
  info(line: string): void;
  debug(line: string): void;
}

export function logPath(dataDir: string, n = 0): string {
  return join(dataDir, n === 0 ? LOG_FILE : `amr.${n}.log`);
}

export function openAgentLog(dataDir: string, level: LogLevel, scrub: (t: string) => string = (t) => t, now: () => number = Date.now): AgentLog {
  const limit = LOG_LEVELS.indexOf(level);
  let broken = false;
  const write = (at: LogLevel, line: string) => {
    if (LOG_LEVELS.indexOf(at) > limit || broken) return;
    const text = `${new Date(now()).toISOString()} ${at.toUpperCase().padEnd(5)} ${inert(scrub(line))}\n`;
    try {
      mkdirSync(dataDir, { recursive: true });
      rotate(dataDir);
      appendWhole(logPath(dataDir), text, 0o600);
    } catch (e) {
      broken = true;
      process.stderr.write(`amr: cannot write the log ${logPath(dataDir)}: ${(e as Error).message}\n`);
    }
  };
  return {
    error: (l) => write('error', l), warn: (l) => write('warn', l), info: (l) => write('info', l), debug: (l) => write('debug', l),
  };
}

function rotate(dataDir: string): void {
  const current = logPath(dataDir);
  if (!existsSync(current) || statSync(current).size < MAX_BYTES) return;
  for (let i = KEEP - 1; i >= 1; i--) {
    if (existsSync(logPath(dataDir, i))) renameRetrying(logPath(dataDir, i), logPath(dataDir, i + 1));
  }
  renameRetrying(current, logPath(dataDir, 1));
}
