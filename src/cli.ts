/**
 * The `amr` command line: builds the commander program from the command modules
 * and turns errors into one clear line and an exit code (never a stack trace for a user error).
 */
import { Command, CommanderError, Option } from 'commander';
import { SCHEDULED_FLAG, taskExitCode } from './platform/task-exit.js';
import { INTERNAL_EXIT, UserError, internalErrorLine } from './errors.js';
import { inert } from './inert.js';
import { registerCommands } from './commands/index.js';
import { AGENT_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('amr')
    .description('Printer fleet monitoring agent: discovers printers, reads their page counters, supplies and alerts, and delivers them to the dealer.')
    .version(AGENT_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // The Windows task's run: exit codes Task Scheduler cannot misread (src/platform/task-exit.ts).
    .addOption(new Option(SCHEDULED_FLAG).hideHelp());
  registerCommands(program);
  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const code = await runCli(argv);
  return argv.includes(SCHEDULED_FLAG) ? taskExitCode(code) : code;
}

async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed usage or the problem; help and version are not failures.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    if (error instanceof UserError) {
      process.stderr.write(`amr: ${inert(error.message)}\n`);
      return error.exitCode;
    }
    process.stderr.write(internalErrorLine(error));
    return INTERNAL_EXIT;
  }
}
