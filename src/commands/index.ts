/** Every `amr` command, in help order. Each module exports one register function. */
import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerRead } from './read.js';

export function registerCommands(program: Command): void {
  registerRead(program);
  registerConfig(program);
}
