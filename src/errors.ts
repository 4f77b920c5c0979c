import { inert } from './inert.js';

/**
 * The one error hierarchy of amr: a `UserError` is something the user can fix (exit 2,
 * or the code it carries); anything else that reaches the command line is an internal
 * error (exit 70). Both are one line; only an internal error's stack, and only with
 * AMR_DEBUG set, is printed beside it.
 */

/**
 * A mistake the user can fix (bad config, bad target, bad option). The CLI prints
 * its message as one line, without a stack trace, and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exit code of an internal error (BSD EX_SOFTWARE). */
export const INTERNAL_EXIT = 70;

/**
 * What the command line prints for an error that is not a UserError: one line (the
 * message's first line, made inert), plus the stack when AMR_DEBUG is set.
 */
export function internalErrorLine(error: unknown, debug = !!process.env.AMR_DEBUG): string {
  const first = errorMessage(error).split('\n')[0]!;
  const line = `amr: internal error: ${inert(first)} (${debug ? 'stack follows' : 'set AMR_DEBUG=1 for details'}; please report it to your dealer)\n`;
  return debug && error instanceof Error && error.stack ? `${line}${error.stack}\n` : line;
}
