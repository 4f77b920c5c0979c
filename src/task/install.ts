/**
 * install-task / uninstall-task / task status as plans: the files to write and the
 * commands to run for one platform. `amr install-task --print` shows a plan; without
 * --print it is carried out through an injected command runner (tests never register
 * anything: they print, or run a recording runner).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { UserError } from '../errors.js';
import { windowsCommandLine, shellArg, xmlEscape } from './quote.js';
import type { TaskPlatform, TaskSpec } from './spec.js';
import { formatDuration } from '../config/duration.js';
import { isServiceAccount, taskAccount, utf16leWithBom, windowsCommands, windowsTaskXml, windowsXmlPath } from './windows.js';
import { secureCommands } from '../platform/acl.js';
import { registerSourceCommand } from '../platform/eventlog.js';
import { cronLines, systemdCommands, systemdUnitDir, systemdUnits } from './systemd.js';
import { launchdCommands, launchdPlist, launchdPlistPath } from './launchd.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command (argv[0] is the program, no shell). `interactive`: the user may be asked something (a password). */
export type CommandRunner = (argv: string[], options?: { interactive?: boolean }) => Promise<CommandResult>;

export const spawnRunner: CommandRunner = (argv, options = {}) => new Promise((resolve) => {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: options.interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => { stdout += d; });
  child.stderr?.on('data', (d) => { stderr += d; });
  child.on('error', (e) => resolve({ code: 127, stdout, stderr: `${argv[0]}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : e.message}` }));
  child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
});

/** Facts about the machine the plan is for; injected in tests. */
export interface HostFacts {
  platform: TaskPlatform;
  root: boolean;
  home: string;
  uid: number;
  /** systemd is the running init (Linux). */
  systemd: boolean;
  now: Date;
  /** Spreads Windows start minutes. */
  hostname: string;
  /** Environment of the target machine (%SystemRoot%, %ProgramFiles%); this process's by default. */
  env?: Record<string, string | undefined>;
}

export interface FileToWrite {
  path: string;
  content: string | Buffer;
}

export interface TaskPlan {
  spec: TaskSpec;
  files: FileToWrite[];
  install: string[][];
  uninstall: string[][];
  /** Run after the files are removed (systemd daemon-reload). */
  afterRemove: string[][];
  /** Run after `install`; a failure becomes a note, not an error (the Event Log source). */
  bestEffort: string[][];
  status: string[];
  /**
   * What `--print` writes to stdout. Windows: exactly the bytes of the XML file that is
   * registered (UTF-16 LE with BOM); elsewhere the definitions and commands as text.
   */
  printed: string | Buffer;
  /** Windows: the commands install-task runs, for stderr beside the printed bytes. */
  printNote?: string;
  /** One line that says what the task does, for the confirmation message. */
  summary: string;
  /** Things the administrator should know (lingering user units, ...). */
  notes: string[];
}

function display(argv: string[], platform: TaskPlatform): string {
  return platform === 'win32' ? windowsCommandLine(argv) : argv.map(shellArg).join(' ');
}

export function planTask(spec: TaskSpec, host: HostFacts): TaskPlan {
  const every = formatDuration(spec.everyMs);
  const boot = formatDuration(spec.bootDelayMs);
  if (host.platform === 'win32') {
    const xml = windowsTaskXml(spec, { now: host.now, spreadKey: host.hostname });
    const xmlPath = windowsXmlPath(spec);
    const env = host.env ?? process.env;
    const cmds = windowsCommands(spec, xmlPath, env);
    const account = taskAccount(spec.user);
    const bytes = utf16leWithBom(xml);
    // Close the data folder (and config.ini) to everyone but the task's account and the administrators first.
    const secure = secureCommands(spec.dataDir, spec.configPath, account, env);
    const source = registerSourceCommand(env);
    return {
      spec,
      files: [{ path: xmlPath, content: bytes }],
      install: [...secure, cmds.install],
      uninstall: [cmds.uninstall],
      afterRemove: [],
      bestEffort: [source],
      status: cmds.status,
      printed: bytes,
      printNote: [
        `amr install-task --print wrote the exact bytes of ${xmlPath} (UTF-16 LE with byte order mark) to standard output.`,
        'amr install-task writes that file and runs, as administrator:',
        ...[...secure, cmds.install, source].map((c) => `  ${display(c, 'win32')}`),
        `Remove it with:  ${display(cmds.uninstall, 'win32')}`,
        `Check it with:   ${display(cmds.status, 'win32')}`,
        '',
      ].join('\r\n'),
      summary: `task "${spec.name}" runs amr run every ${every} and ${boot} after start-up as ${account}, data folder ${spec.dataDir} (only ${account} and Administrators can open it)`,
      notes: isServiceAccount(spec.user) ? [] : [`schtasks asks for the password of ${spec.user}: the task runs whether or not that user is logged on`],
    };
  }
  if (host.platform === 'linux') {
    const userUnit = !host.root;
    if (spec.user && userUnit) throw new UserError(`--user ${spec.user} needs root: a user's own systemd units run as that user; run install-task with sudo, or leave out --user`);
    const units = systemdUnits(spec, { userUnit });
    const dir = systemdUnitDir(host.root, host.home);
    const cmds = systemdCommands(units, userUnit);
    const files = [
      { path: posix.join(dir, units.serviceName), content: units.service },
      { path: posix.join(dir, units.timerName), content: units.timer },
    ];
    const cron = cronLines(spec);
    const printed = [
      ...files.flatMap((f) => [`# ${f.path}`, String(f.content)]),
      '# Install with:',
      ...cmds.install.map((c) => display(c, 'linux')),
      '',
      '# Without systemd, add these lines with `crontab -e` instead:',
      ...cron.map((l) => `# ${l}`),
      '',
    ].join('\n');
    return {
      spec, files,
      install: cmds.install,
      uninstall: cmds.uninstall,
      afterRemove: cmds.afterRemove,
      bestEffort: [],
      status: cmds.status,
      printed,
      summary: `${units.timerName} runs amr run every ${every} and ${boot} after start-up${spec.user ? ` as ${spec.user}` : userUnit ? ' as you' : ' as root'}, data folder ${spec.dataDir}`,
      notes: userUnit ? [`user units run only while you are logged in, unless you run: loginctl enable-linger ${posix.basename(host.home)}`] : [],
    };
  }
  const daemon = host.root;
  const plistPath = launchdPlistPath(spec, daemon, host.home);
  const plist = launchdPlist(spec, { daemon });
  const cmds = launchdCommands(spec, plistPath, daemon, host.uid);
  return {
    spec,
    files: [{ path: plistPath, content: plist }],
    install: cmds.install,
    uninstall: cmds.uninstall,
    afterRemove: [],
    bestEffort: [],
    status: cmds.status,
    printed: `${plist}<!--\n  amr install-task writes this to ${xmlEscape(plistPath)} and loads it with:\n    ${display(cmds.install[0]!, 'darwin').replace(/--/g, '- -')}\n-->\n`,
    summary: `launchd job ${plistPath} runs amr run every ${every} and at ${daemon ? 'boot' : 'login'}, data folder ${spec.dataDir}`,
    notes: [],
  };
}

async function runAll(commands: string[][], runner: CommandRunner, interactive: boolean): Promise<void> {
  for (const argv of commands) {
    const r = await runner(argv, { interactive });
    if (r.code !== 0) {
      const why = `${r.stderr}\n${r.stdout}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? `exit status ${r.code}`;
      throw new UserError(`${argv.join(' ')} failed: ${why}${r.code === 5 || /access|denied|permission/i.test(why) ? ' (run as administrator / root)' : ''}`);
    }
  }
}

/** Write the definition files and register them; returns notes on best-effort steps that failed. */
export async function installTask(plan: TaskPlan, host: HostFacts, runner: CommandRunner): Promise<string[]> {
  if (host.platform === 'linux' && !host.systemd) {
    throw new UserError(`systemd is not running here: add these lines with crontab -e instead (amr install-task --print shows them): ${cronLines(plan.spec)[0]}`);
  }
  mkdirSync(plan.spec.dataDir, { recursive: true });
  for (const f of plan.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content);
  }
  if (host.platform === 'darwin') {
    // bootstrap refuses a job that is already loaded: unload a previous one first (absent is fine).
    await runner(plan.uninstall[0]!, {});
  }
  await runAll(plan.install, runner, host.platform === 'win32' && !isServiceAccount(plan.spec.user));
  const notes: string[] = [];
  for (const argv of plan.bestEffort) {
    const r = await runner(argv, {});
    if (r.code !== 0) {
      const why = `${r.stderr}\n${r.stdout}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? `exit status ${r.code}`;
      notes.push(`${display(argv, host.platform)} failed (${why}): runs are not written to the Windows Event Log, only to the run log in the data folder`);
    }
  }
  return notes;
}

/** Whether the scheduler knows the task. Linux: our unit file is there (systemctl status exits 3 for a merely idle timer). */
export async function isRegistered(plan: TaskPlan, host: HostFacts, runner: CommandRunner): Promise<boolean> {
  if (host.platform === 'linux') return plan.files.some((f) => existsSync(f.path));
  return (await runner(plan.status, {})).code === 0;
}

/** Unregister and remove the files; false when nothing was registered. */
export async function uninstallTask(plan: TaskPlan, host: HostFacts, runner: CommandRunner): Promise<boolean> {
  const registered = await isRegistered(plan, host, runner);
  if (registered) await runAll(plan.uninstall, runner, false);
  for (const f of plan.files) rmSync(f.path, { force: true });
  if (registered) await runAll(plan.afterRemove, runner, false);
  return registered;
}
