/** Every `amr` command, in help order. Each module exports one register function. */
import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerDiscover } from './discover.js';
import { registerProfile } from './profile.js';
import { registerRead } from './read.js';
import { registerRecord } from './record.js';
import { registerRun } from './run.js';
import { registerSend } from './send.js';
import { registerMonitor } from './monitor.js';
import { registerStatus } from './status.js';
import { registerDevices } from './devices.js';
import { registerSimulate } from './simulate.js';
import { registerTask } from './task.js';

export function registerCommands(program: Command): void {
  registerDiscover(program);
  registerRead(program);
  registerRun(program);
  registerSend(program);
  registerMonitor(program);
  registerStatus(program);
  registerDevices(program);
  registerTask(program);
  registerConfig(program);
  registerProfile(program);
  registerRecord(program);
  registerSimulate(program);
}
