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
