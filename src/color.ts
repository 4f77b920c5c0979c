/**
 * Colour for human output: on a terminal, unless NO_COLOR is set (no-color.org) or TERM=dumb;
 * FORCE_COLOR=1/2/3 turns it on anywhere (a pager that understands it, CI logs), FORCE_COLOR=0 off.
 * Nothing is told by colour alone: every coloured state has its words too.
 */
import chalk, { Chalk, type ChalkInstance } from 'chalk';

export function colorOn(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function colorFor(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  if (!colorOn(stream)) return new Chalk({ level: 0 });
  const forced = Number(process.env.FORCE_COLOR);
  const level = forced >= 1 && forced <= 3 ? forced : Math.max(1, chalk.level);
  return new Chalk({ level: level as 1 | 2 | 3 });
}
