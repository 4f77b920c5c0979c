/**
 * `amr install-task` (alias `install`), `amr uninstall-task`, `amr task status`: the
 * scheduled task that runs `amr run` (Task Scheduler, systemd timer, launchd). The
 * plans live in src/task/install.ts; this module reads options and config.
 */
import { existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { posix, resolve, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { loadConfig, parseConfig, resolveConfigPath } from '../config/load.js';
import { defaultDataDir } from '../config/paths.js';
import { parseDuration } from '../config/duration.js';
import { UserError } from '../errors.js';
import { inProgramFiles, programFilesDirs } from '../platform/system-tools.js';
import type { Config } from '../config/types.js';
import type { CommandRunner, HostFacts } from '../task/install.js';
import {
  checkEvery, checkTaskName, DEFAULT_BOOT_DELAY_MS, DEFAULT_TASK_NAME, type TaskPlatform, type TaskSpec,
} from '../task/spec.js';

export interface TaskCommandDeps {
  /** Facts about this machine; tests override platform, root, home. */
  host: Partial<HostFacts>;
  runner: CommandRunner;
  /** Standard output (text, or the exact bytes of a Windows task definition). */
  out: (text: string | Buffer) => void;
  /** Standard error: what --print says beside printed bytes. */
  err: (text: string) => void;
}

interface TaskOptions {
  config?: string;
  dataDir?: string;
  every?: string;
  user?: string;
  name: string;
  program?: string;
  script?: string;
  print?: boolean;
  platform?: string;
}

const PLATFORMS: readonly TaskPlatform[] = ['win32', 'linux', 'darwin'];
const BIN_AMR = fileURLToPath(new URL('../../bin/amr.js', import.meta.url));

function hostFacts(platformOption: string | undefined, deps: Partial<TaskCommandDeps>): HostFacts {
  const platform = (platformOption ?? deps.host?.platform ?? process.platform) as TaskPlatform;
  if (!PLATFORMS.includes(platform)) {
    throw new UserError(`scheduled tasks are made for ${PLATFORMS.join(', ')}; this is ${platform}: run amr run from your own scheduler`);
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  return {
    root: uid === 0,
    home: homedir(),
    uid,
    systemd: existsSync('/run/systemd/system'),
    now: new Date(),
    hostname: hostname(),
    ...deps.host,
    platform,
  };
}

function pathFor(platform: TaskPlatform) {
  return platform === 'win32' ? win32 : posix;
}

/** The platform's own absolute form of a path given on the command line. */
function absolute(path: string, platform: TaskPlatform): string {
  const p = pathFor(platform);
  // normalize: C:\DriverPrinter/config.ini (from a joined default) reads as Windows writes it.
  if (p.isAbsolute(path)) return p.normalize(path);
  if (platform !== process.platform) throw new UserError(`"${path}" must be an absolute ${platform} path`);
  return resolve(path);
}

/** config.ini of the task, the data folder and the loaded config (defaults when the file does not exist yet). */
function locate(opts: TaskOptions, host: HostFacts): { configPath: string; dataDir: string; config: Config; warning: string | null } {
  const native = host.platform === process.platform;
  const p = pathFor(host.platform);
  const platformDefault = defaultDataDir(host.platform, native ? process.env : {});
  const found = native ? resolveConfigPath() : null;
  const given = opts.config ? absolute(opts.config, host.platform) : found ? absolute(found, host.platform) : null;
  let config: Config;
  let warning: string | null = null;
  if (given && native && existsSync(given)) config = loadConfig(given);
  else config = parseConfig('', null);
  // A data_dir written in config.ini wins over the platform default.
  const configured = config.file && config.agent.data_dir !== defaultDataDir() ? config.agent.data_dir : null;
  const dataDir = opts.dataDir ? absolute(opts.dataDir, host.platform) : configured ?? platformDefault;
  const configPath = given ?? p.join(dataDir, 'config.ini');
  if (native && !config.file) {
    warning = `no config.ini at ${configPath} yet: create it before the first run (amr config sample > "${configPath}", then set [agent] customer and [server])`;
  }
  return { configPath, dataDir, config, warning };
}

function buildSpec(opts: TaskOptions, host: HostFacts): { spec: TaskSpec; warning: string | null } {
  checkTaskName(opts.name);
  const { configPath, dataDir, config, warning } = locate(opts, host);
  let everyMs = config.schedule.every;
  if (opts.every !== undefined) {
    const ms = parseDuration(opts.every);
    if (ms === null) throw new UserError(`--every "${opts.every}" is not a duration: use e.g. 4h, 90m, 1d`);
    everyMs = ms;
  }
  checkEvery(everyMs);
  const native = host.platform === process.platform;
  if (!native && !opts.program) {
    throw new UserError(`--platform ${host.platform} is not this machine: also give --program (and --script) as paths on that machine`);
  }
  const program = opts.program ? absolute(opts.program, host.platform) : process.execPath;
  // An installed amr / amr.cmd runs by itself; node needs the script.
  const direct = /^amr(\.cmd|\.exe)?$/i.test(pathFor(host.platform).basename(program));
  const script = direct ? null : opts.script ? absolute(opts.script, host.platform) : opts.program ? null : BIN_AMR;
  if (native) {
    for (const p of [program, script]) if (p && !existsSync(p)) throw new UserError(`${p} does not exist: give the right --program/--script`);
  }
  if (host.platform === 'win32') {
    // The task runs as a service account: it must not start a file an ordinary user can replace.
    const outside = [program, script].find((p) => p && !inProgramFiles(p, host.env ?? process.env));
    if (outside) {
      throw new UserError(`${outside} is not in ${programFilesDirs(host.env ?? process.env)[0]}: a scheduled task must not run a file ordinary users can change; install amr with its setup (C:\\Program Files\\amr\\amr.exe), then run install-task from there`);
    }
  }
  let user: string | null = opts.user ?? null;
  if (user === null && host.platform === 'win32') user = config.schedule.run_as;
  if (user !== null && user.trim() === '') throw new UserError('--user is empty: give an account name, or leave it out');
  return {
    spec: {
      name: opts.name,
      program,
      programArgs: script ? [script] : [],
      configPath,
      dataDir,
      everyMs,
      timeBudgetMs: config.schedule.time_budget,
      bootDelayMs: DEFAULT_BOOT_DELAY_MS,
      user,
      description: 'amr printer monitoring: reads the printers\' page counters, supplies and alerts and delivers them to the dealer',
    },
    warning,
  };
}

function addCommon(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'config.ini the task runs with (default: config.ini in the data folder)')
    .option('--data-dir <dir>', 'data folder (default: [agent] data_dir, else C:\\DriverPrinter on Windows)')
    .option('--name <name>', 'task name', DEFAULT_TASK_NAME)
    .addOption(new Option('--platform <platform>', 'make the task for this platform (tests)').hideHelp());
}

export function registerTask(program: Command, deps: Partial<TaskCommandDeps> = {}): void {
  const out = deps.out ?? ((t: string | Buffer) => { process.stdout.write(t); });
  const err = deps.err ?? ((t: string) => { process.stderr.write(t); });
  // The scheduler plans (and child_process) load only when a task command runs.
  const load = async () => {
    const install = await import('../task/install.js');
    return { ...install, runner: deps.runner ?? install.spawnRunner };
  };

  addCommon(program.command('install-task').alias('install')
    .description('Schedule amr run: every [schedule] every and shortly after start-up (Task Scheduler, systemd timer or launchd)'))
    .option('--every <duration>', 'run this often (default: [schedule] every), e.g. 4h')
    .option('--user <account>', 'account the task runs as (default: SYSTEM on Windows, [schedule] run_as)')
    .option('--program <path>', 'program the task starts (default: this Node.js; an installed amr.cmd runs directly)')
    .option('--script <path>', 'amr.js the program runs (default: this installation\'s bin/amr.js)')
    .option('--print', 'show the task definition and the exact commands; register nothing')
    .action(async (opts: TaskOptions) => {
      const host = hostFacts(opts.platform, deps);
      const { spec, warning } = buildSpec(opts, host);
      const { installTask, planTask, runner } = await load();
      const plan = planTask(spec, host);
      if (opts.print) {
        out(plan.printed);
        if (plan.printNote) err(plan.printNote);
        return;
      }
      const failed = await installTask(plan, host, runner);
      out(`installed: ${plan.summary}\n`);
      for (const n of [...plan.notes, ...failed, ...(warning ? [warning] : [])]) out(`note: ${n}\n`);
      out('check it with: amr task status\n');
    });

  addCommon(program.command('uninstall-task').alias('uninstall')
    .description('Remove the scheduled task (the data folder stays)'))
    .action(async (opts: TaskOptions) => {
      const host = hostFacts(opts.platform, deps);
      const { planTask, runner, uninstallTask } = await load();
      const plan = planTask(removalSpec(opts, host), host);
      const removed = await uninstallTask(plan, host, runner);
      out(removed ? `removed the scheduled task "${opts.name}"; the data folder stays\n` : `no scheduled task "${opts.name}" was registered\n`);
    });

  const task = program.command('task').description('The scheduled task');
  addCommon(task.command('status').description('Show the scheduled task as the scheduler sees it, and whether a run is in progress'))
    .action(async (opts: TaskOptions) => {
      const host = hostFacts(opts.platform, deps);
      const spec = removalSpec(opts, host);
      const { isRegistered, planTask, runner } = await load();
      const { currentHolder, describeHolder } = await import('../schedule/lock.js');
      const { readRunRecords } = await import('../schedule/run-log.js');
      const plan = planTask(spec, host);
      if (!(await isRegistered(plan, host, runner))) {
        throw new UserError(`no scheduled task "${opts.name}" is registered: run amr install-task`, 1);
      }
      const r = await runner(plan.status, {});
      out(r.stdout + (r.stderr ? r.stderr : ''));
      if (host.platform === 'win32') {
        // "Last Result" is a bare number (0x2000000N for amr's exit N): say what it means.
        const { describeTaskResult, lastResultOf } = await import('../platform/task-exit.js');
        const shown = lastResultOf(r.stdout, opts.name);
        if (shown !== null) out(`last run result: ${describeTaskResult(shown)}\n`);
      }
      const holder = currentHolder(spec.dataDir);
      out(holder ? `${describeHolder(holder)}\n` : `no run in progress (data folder ${spec.dataDir})\n`);
      const last = readRunRecords(spec.dataDir, 1)[0];
      out(last
        ? `last run: ${last.startedAt}, exit ${last.exitCode} (${last.outcome}), read ${last.read} of ${last.devices}, ${last.messages} message(s)\n`
        : 'no run recorded yet\n');
    });
}

/** For uninstall and status only names and places matter. */
function removalSpec(opts: TaskOptions, host: HostFacts): TaskSpec {
  checkTaskName(opts.name);
  const { configPath, dataDir } = locate(opts, host);
  return {
    name: opts.name, program: 'amr', programArgs: [], configPath, dataDir,
    everyMs: 3_600_000, timeBudgetMs: 900_000, bootDelayMs: DEFAULT_BOOT_DELAY_MS, user: null, description: '',
  };
}
