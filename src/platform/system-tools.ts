/**
 * Windows system tools by full path: %SystemRoot%\System32\<tool>.exe. Never found
 * through PATH or the current directory, where a user could plant a schtasks.exe
 * that the elevated installer or the task's account would then run.
 */
import { win32 } from 'node:path';

export type SystemTool = 'schtasks' | 'icacls' | 'eventcreate' | 'netsh' | 'reg';

type Env = Record<string, string | undefined>;

/** %SystemRoot% when it is a plain absolute drive path, else C:\Windows (a relative or UNC value is not trusted). */
export function systemRoot(env: Env = process.env): string {
  const v = (env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? env.WINDIR ?? '').trim();
  return /^[A-Za-z]:\\[^<>"|?*]*$/.test(v) && !v.includes('..') ? win32.normalize(v).replace(/\\$/, '') : 'C:\\Windows';
}

export function systemTool(tool: SystemTool, env: Env = process.env): string {
  return win32.join(systemRoot(env), 'System32', `${tool}.exe`);
}

/** %ProgramFiles% and %ProgramFiles(x86)% (defaults when unset or not a plain drive path). */
export function programFilesDirs(env: Env = process.env): string[] {
  const plain = (v: string | undefined, d: string) => (v && /^[A-Za-z]:\\[^<>"|?*]*$/.test(v) && !v.includes('..') ? win32.normalize(v).replace(/\\$/, '') : d);
  return [...new Set([plain(env.ProgramFiles ?? env.PROGRAMFILES, 'C:\\Program Files'), plain(env['ProgramFiles(x86)'], 'C:\\Program Files (x86)'), plain(env.ProgramW6432, 'C:\\Program Files')])];
}

/**
 * Whether a program path is inside %ProgramFiles% (or the x86 one): folders only
 * administrators can change. A task that runs as NETWORK SERVICE or SYSTEM must not
 * start a file an ordinary user could replace (a global npm folder in %APPDATA%, Downloads).
 */
export function inProgramFiles(path: string, env: Env = process.env): boolean {
  const p = win32.normalize(path).toLowerCase();
  return programFilesDirs(env).some((d) => p.startsWith(`${d.toLowerCase()}\\`));
}
