/** Colour for human output: only on a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb. */
import chalk, { Chalk, type ChalkInstance } from 'chalk';

export function colorFor(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const on = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return new Chalk({ level: on ? Math.max(1, chalk.level) as 1 | 2 | 3 : 0 });
}
