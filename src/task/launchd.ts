/**
 * macOS: a launchd job (LaunchDaemon as root, LaunchAgent otherwise) that runs
 * `amr run` every N seconds and once when loaded. Pure: the command module writes the
 * plist and calls launchctl.
 */
import { posix } from 'node:path';
import { xmlEscape } from './quote.js';
import { runArgv, type TaskSpec } from './spec.js';

/** launchd labels are reverse-DNS by convention. */
export function launchdLabel(spec: Pick<TaskSpec, 'name'>): string {
  return `net.amr.${spec.name}`;
}

export function launchdPlist(spec: TaskSpec, options: { daemon?: boolean } = {}): string {
  const e = xmlEscape;
  const str = (v: string) => `<string>${e(v)}</string>`;
  const log = posix.join(spec.dataDir, `${spec.name}-launchd.log`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  ${str(launchdLabel(spec))}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...runArgv(spec).map((a) => `    ${str(a)}`),
    '  </array>',
    '  <key>WorkingDirectory</key>',
    `  ${str(spec.dataDir)}`,
    '  <key>StartInterval</key>',
    `  <integer>${Math.max(60, Math.round(spec.everyMs / 1000))}</integer>`,
    // RunAtLoad: a run at boot (daemon) or login (agent), and right after install.
    '  <key>RunAtLoad</key>',
    '  <true/>',
    ...(options.daemon && spec.user ? ['  <key>UserName</key>', `  ${str(spec.user)}`] : []),
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '  <key>LowPriorityIO</key>',
    '  <true/>',
    '  <key>StandardOutPath</key>',
    `  ${str(log)}`,
    '  <key>StandardErrorPath</key>',
    `  ${str(log)}`,
    '</dict>',
    '</plist>',
    '',
  ];
  return lines.join('\n');
}

export function launchdPlistPath(spec: Pick<TaskSpec, 'name'>, daemon: boolean, home: string): string {
  const dir = daemon ? '/Library/LaunchDaemons' : posix.join(home, 'Library', 'LaunchAgents');
  return posix.join(dir, `${launchdLabel(spec)}.plist`);
}

export interface LaunchdCommands {
  install: string[][];
  uninstall: string[][];
  status: string[];
}

/** launchctl bootstrap/bootout (macOS 10.11+); `uid` picks the user's GUI domain for an agent. */
export function launchdCommands(spec: Pick<TaskSpec, 'name'>, plistPath: string, daemon: boolean, uid: number): LaunchdCommands {
  const domain = daemon ? 'system' : `gui/${uid}`;
  const target = `${domain}/${launchdLabel(spec)}`;
  return {
    install: [['launchctl', 'bootstrap', domain, plistPath]],
    uninstall: [['launchctl', 'bootout', target]],
    status: ['launchctl', 'print', target],
  };
}
