#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
// What goes wrong outside the CLI's own handling (a missing or broken build, an error
// thrown from a timer or socket callback) is still one line and exit 70 (internal
// error), never a bare stack trace; AMR_DEBUG=1 prints the stack.
const scheduled = process.argv.includes('--scheduled');
const internal = (error) => {
  const first = String(error?.message ?? error).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  const debug = !!process.env.AMR_DEBUG;
  process.stderr.write(`amr: internal error: ${first} (${debug ? 'stack follows' : 'set AMR_DEBUG=1 for details'}; please report it to your dealer)\n`);
  if (debug && error?.stack) process.stderr.write(`${error.stack}\n`);
  // The Windows task's run keeps its exit-code convention (src/platform/task-exit.ts).
  process.exit(scheduled ? (0x2000_0000 | 70) >>> 0 : 70);
};
process.on('uncaughtException', internal);
process.on('unhandledRejection', internal);

// Output piped into `head` or a closed pager is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => { if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0); else internal(error); });
}
import('../dist/cli.js').then(({ main }) => main(process.argv)).then((code) => { process.exitCode = code; }, internal);
