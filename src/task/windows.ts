/**
 * Windows Task Scheduler definition (Task 1.3 XML, validated in tests against
 * Microsoft's schema, test/fixtures/windows/task-scheduler.xsd) and the schtasks
 * command lines that register, remove and query it. Pure: no I/O here.
 */
import { win32 } from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { windowsCommandLine, xmlEscape } from './quote.js';
import { executionLimitMs, runArgv, type TaskSpec } from './spec.js';
import { DEFAULT_TASK_ACCOUNT, SID, serviceAccountSid } from '../platform/accounts.js';
import { systemTool } from '../platform/system-tools.js';
import { SCHEDULED_FLAG } from '../platform/task-exit.js';

/** The account the task runs as: the spec's, else NETWORK SERVICE (README: "Which account the task runs as"). */
export function taskAccount(user: string | null): string {
  return user ?? DEFAULT_TASK_ACCOUNT;
}

/** SYSTEM, LOCAL SERVICE or NETWORK SERVICE: registered by SID, no password. */
export function isServiceAccount(user: string | null): boolean {
  return serviceAccountSid(taskAccount(user)) !== null;
}

export function isSystemAccount(user: string | null): boolean {
  return serviceAccountSid(taskAccount(user)) === SID.system;
}

/** xs:duration for a whole number of seconds or more, e.g. 4h -> PT4H, 1d2h -> P1DT2H. */
export function isoDuration(ms: number): string {
  let s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  if (!d && !time) return 'PT0S';
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

/** Local wall-clock time as Task Scheduler writes it (no zone: the PC's own time). */
function localDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * First start: today at midnight plus a minute picked from `spreadKey` (the PC's name),
 * so a dealer's customers do not all report at the same minute.
 */
export function startBoundary(now: Date, everyMs: number, spreadKey: string): string {
  const slots = Math.max(1, Math.min(60, Math.floor(everyMs / 60_000)));
  const minute = createHash('sha256').update(spreadKey).digest().readUInt32BE(0) % slots;
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 0, minute, 0);
  return localDateTime(start);
}

function checkPath(what: string, path: string): void {
  // Task Scheduler's pathType: 1..260 characters.
  if (path.length === 0 || path.length > 260) {
    throw new UserError(`${what} "${path}" is ${path.length ? 'longer than 260 characters' : 'empty'}; Task Scheduler cannot run it: install amr in a shorter folder`);
  }
}

/** Command and Arguments of the Exec action. The program path is quoted when it has spaces. */
export function windowsAction(spec: TaskSpec): { command: string; arguments: string } {
  const [program, ...args] = [...runArgv(spec), SCHEDULED_FLAG];
  const command = /\s/.test(program!) ? `"${program}"` : program!;
  return { command, arguments: windowsCommandLine(args) };
}

export interface WindowsXmlOptions {
  /** Registration date and the day the schedule starts. */
  now?: Date;
  /** Spreads the start minute; the computer name by default. */
  spreadKey?: string;
}

/** The task definition as XML text (declared UTF-16: write it with `utf16leWithBom`). */
export function windowsTaskXml(spec: TaskSpec, options: WindowsXmlOptions = {}): string {
  const now = options.now ?? new Date();
  const action = windowsAction(spec);
  checkPath('program', action.command);
  checkPath('data folder', spec.dataDir);
  const every = isoDuration(spec.everyMs);
  const e = xmlEscape;
  const sid = serviceAccountSid(taskAccount(spec.user));
  // Service accounts by their well-known SID (any Windows language); only SYSTEM runs elevated.
  const principal = sid
    ? [
      `      <UserId>${sid}</UserId>`,
      `      <RunLevel>${sid === SID.system ? 'HighestAvailable' : 'LeastPrivilege'}</RunLevel>`,
    ]
    : [
      `      <UserId>${e(spec.user!)}</UserId>`,
      // Password: the run needs the network (collector, proxy) whether or not the user is logged on.
      '      <LogonType>Password</LogonType>',
      '      <RunLevel>LeastPrivilege</RunLevel>',
    ];
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.3" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    `    <Date>${localDateTime(now)}</Date>`,
    '    <Author>amr install-task</Author>',
    `    <Description>${e(spec.description)}</Description>`,
    `    <URI>\\${e(spec.name)}</URI>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <TimeTrigger>',
    '      <Enabled>true</Enabled>',
    `      <StartBoundary>${startBoundary(now, spec.everyMs, options.spreadKey ?? spec.name)}</StartBoundary>`,
    '      <Repetition>',
    `        <Interval>${every}</Interval>`,
    '        <StopAtDurationEnd>false</StopAtDurationEnd>',
    '      </Repetition>',
    '    </TimeTrigger>',
    '    <BootTrigger>',
    '      <Enabled>true</Enabled>',
    `      <Delay>${isoDuration(spec.bootDelayMs)}</Delay>`,
    '    </BootTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    ...principal,
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowHardTerminate>true</AllowHardTerminate>',
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>',
    '    <IdleSettings>',
    '      <StopOnIdleEnd>false</StopOnIdleEnd>',
    '      <RestartOnIdle>false</RestartOnIdle>',
    '    </IdleSettings>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>false</Hidden>',
    '    <RunOnlyIfIdle>false</RunOnlyIfIdle>',
    '    <WakeToRun>false</WakeToRun>',
    `    <ExecutionTimeLimit>${isoDuration(executionLimitMs(spec))}</ExecutionTimeLimit>`,
    '    <Priority>7</Priority>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${e(action.command)}</Command>`,
    `      <Arguments>${e(action.arguments)}</Arguments>`,
    `      <WorkingDirectory>${e(spec.dataDir)}</WorkingDirectory>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
}

/** schtasks reads /XML files as UTF-16 LE with a byte order mark. */
export function utf16leWithBom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** Where install-task writes the XML it registers: the data folder. */
export function windowsXmlPath(spec: TaskSpec): string {
  return win32.join(spec.dataDir, `${spec.name}-task.xml`);
}

export interface WindowsCommands {
  install: string[];
  uninstall: string[];
  status: string[];
}

/**
 * schtasks argv, by full path (program first). A named user's password is asked by
 * schtasks itself (/RP *); service accounts have none.
 */
export function windowsCommands(spec: TaskSpec, xmlPath = windowsXmlPath(spec), env: Record<string, string | undefined> = process.env): WindowsCommands {
  const schtasks = systemTool('schtasks', env);
  const install = [schtasks, '/Create', '/TN', spec.name, '/XML', xmlPath];
  if (!isServiceAccount(spec.user)) install.push('/RU', spec.user!, '/RP', '*');
  install.push('/F');
  return {
    install,
    uninstall: [schtasks, '/Delete', '/TN', spec.name, '/F'],
    status: [schtasks, '/Query', '/TN', spec.name, '/V', '/FO', 'LIST'],
  };
}

export { windowsCommandLine };
