/**
 * Quoting for the command lines the task generators write. Each platform parses a
 * command line differently, so each gets its own function; none goes through a shell
 * unless it says so.
 */

/** XML element text (quotes stay as they are, as Windows writes them). */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One argument as Windows programs split their command line (CommandLineToArgvW / the
 * MSVC runtime): quote when empty or holding space, tab or quote; backslashes are literal
 * except before a quote, where they are doubled, and a quote is written \".
 */
export function windowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') { slashes++; continue; }
    if (ch === '"') { out += '\\'.repeat(slashes * 2 + 1) + '"'; slashes = 0; continue; }
    out += '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  // Backslashes before the closing quote would escape it: double them.
  return out + '\\'.repeat(slashes * 2) + '"';
}

export function windowsCommandLine(args: readonly string[]): string {
  return args.map(windowsArg).join(' ');
}

/**
 * One argument in a systemd Exec*= line (systemd.service "Command lines"): always
 * double-quoted, with \ and " escaped, % doubled (specifiers) and $ doubled (variables).
 */
export function systemdArg(arg: string): string {
  const body = arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${body}"`;
}

/** A path in a systemd setting that takes one literal path (WorkingDirectory=): only % is special. */
export function systemdPath(path: string): string {
  return path.replace(/%/g, '%%');
}

/** One argument for /bin/sh (a crontab line): single quotes, ' written as '\''. */
export function shellArg(arg: string): string {
  if (/^[A-Za-z0-9_\/.,:=+@-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
