/** Every `amr` command, in help order. Each module exports one register function. */
import type { Command } from 'commander';
import { registerConfig } from './config.js';

export function registerCommands(program: Command): void {
  registerConfig(program);
}
