import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarFor, cronLines, systemdCommands, systemdSpan, systemdUnits } from '../../src/task/systemd.js';
import { launchdCommands, launchdPlist, launchdPlistPath } from '../../src/task/launchd.js';
import type { TaskSpec } from '../../src/task/spec.js';
import { requireTool, tempDir, xmllint } from '../schedule/helpers.js';

const tmp = tempDir('amr sched '); // a space in every path below
afterAll(() => tmp.cleanup());
const PLIST_DTD = fileURLToPath(new URL('./fixtures/plist.dtd', import.meta.url));

/** A data folder and program path with spaces, quotes, % and $ in them; node is real so tools can check it. */
function awkwardSpec(over: Partial<TaskSpec> = {}): TaskSpec {
  const dataDir = join(tmp.path, `data 100% "$HOME" it's`);
  mkdirSync(dataDir, { recursive: true });
  const binDir = join(tmp.path, 'node bin');
  mkdirSync(binDir, { recursive: true });
  const node = join(binDir, 'node');
  try { symlinkSync(process.execPath, node); } catch { /* already there */ }
  const script = join(tmp.path, 'print args.mjs');
  // Records how it was started, so a test can check the quoting end to end.
  writeFileSync(script, `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.ARGS_OUT, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\n`);
  return {
    name: 'amr', program: node, programArgs: [script],
    configPath: join(dataDir, 'config.ini'), dataDir,
    everyMs: 4 * 3_600_000, timeBudgetMs: 15 * 60_000, bootDelayMs: 5 * 60_000,
    user: null, description: 'amr printer monitoring: one run', ...over,
  };
}

function verifyUnits(spec: TaskSpec, name: string): { status: number | null; output: string; service: string; timer: string } {
  requireTool('systemd-analyze', 'systemd');
  const dir = join(tmp.path, name);
  mkdirSync(dir, { recursive: true });
  const units = systemdUnits(spec);
  writeFileSync(join(dir, units.serviceName), units.service);
  writeFileSync(join(dir, units.timerName), units.timer);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, units.serviceName), join(dir, units.timerName)], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, ...units };
}

/** Split an Exec line as systemd does for the forms the generator writes ("..." words, \\ \" escapes, %% and $$). */
function splitExec(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) words.push(m[1]!.replace(/\\(.)/g, '$1').replace(/%%/g, '%').replace(/\$\$/g, '$'));
  return words;
}

describe('systemd units', () => {
  it('pass systemd-analyze verify, with spaces, quotes, % and $ in the paths', () => {
    const r = verifyUnits(awkwardSpec(), 'awkward');
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('verify is a real check: a missing program fails it', () => {
    const r = verifyUnits(awkwardSpec({ program: join(tmp.path, 'no such node') }), 'missing');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/not executable/);
  });

  it('ExecStart splits back into exactly the run command', () => {
    const spec = awkwardSpec();
    const exec = systemdUnits(spec).service.split('\n').find((l) => l.startsWith('ExecStart='))!;
    expect(splitExec(exec.slice('ExecStart='.length))).toEqual([spec.program, ...spec.programArgs, 'run', '--config', spec.configPath]);
  });

  it('timer: after boot, every N, catching up missed runs; network-online; exit 3 is success', () => {
    const { service, timer } = systemdUnits(awkwardSpec({ everyMs: 6 * 3_600_000, user: 'amr' }));
    expect(timer).toContain('OnBootSec=5min');
    expect(timer).toContain('OnCalendar=*-*-* 00/6:00:00');
    expect(timer).toContain('Persistent=true');
    expect(timer).toContain('WantedBy=timers.target');
    expect(service).toContain('After=network-online.target');
    expect(service).toContain('Wants=network-online.target');
    expect(service).toContain('Type=oneshot');
    expect(service).toContain('User=amr');
    expect(service).toContain('SuccessExitStatus=3 5');
    expect(service).toContain('TimeoutStartSec=25min');
    expect(systemdUnits(awkwardSpec({ user: 'amr' }), { userUnit: true }).service).not.toContain('User=');
  });

  it('an interval that does not divide a day uses OnUnitActiveSec, and still verifies', () => {
    const r = verifyUnits(awkwardSpec({ everyMs: 5 * 3_600_000 }), 'five');
    expect(r.timer).toContain('OnUnitActiveSec=5h');
    expect(r.timer).not.toContain('Persistent');
    expect(r.status).toBe(0);
    expect(r.output).toBe('');
  });

  it('calendar expressions are ones systemd accepts', () => {
    requireTool('systemd-analyze', 'systemd');
    for (const ms of [15 * 60_000, 3_600_000, 4 * 3_600_000, 12 * 3_600_000, 86_400_000]) {
      const cal = calendarFor(ms)!;
      expect(cal).not.toBeNull();
      const r = spawnSync('systemd-analyze', ['calendar', cal], { encoding: 'utf8' });
      expect(r.status, `${cal}: ${r.stderr}`).toBe(0);
    }
    expect(calendarFor(5 * 3_600_000)).toBeNull();
    expect(calendarFor(7 * 60_000)).toBeNull();
    expect(systemdSpan(90 * 60_000)).toBe('90min');
  });

  it('systemctl commands for system and user units', () => {
    const units = systemdUnits(awkwardSpec());
    expect(systemdCommands(units, false).afterRemove).toEqual([['systemctl', 'daemon-reload']]);
    expect(systemdCommands(units, false).install).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'amr.timer']]);
    expect(systemdCommands(units, true).status).toEqual(['systemctl', '--user', 'status', '--no-pager', 'amr.timer', 'amr.service']);
  });
});

describe('cron fallback', () => {
  it('the crontab line runs the exact command through /bin/sh', () => {
    const spec = awkwardSpec();
    const [periodic, boot] = cronLines(spec);
    expect(periodic!.startsWith('0 */4 * * * ')).toBe(true);
    expect(boot!.startsWith('@reboot sleep 300 && ')).toBe(true);
    // What cron hands to sh: the line after the five time fields, with \% turned back into %.
    // Output is kept (syslog), never thrown away.
    expect(periodic).not.toContain('/dev/null');
    expect(periodic!.endsWith(' 2>&1 | logger -t amr')).toBe(true);
    const command = periodic!.split(' ').slice(5).join(' ').replace(/\\%/g, '%').replace(' 2>&1 | logger -t amr', '');
    const out = join(tmp.path, 'cron-args.json');
    const r = spawnSync('/bin/sh', ['-c', command], { env: { ...process.env, ARGS_OUT: out }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const got = JSON.parse(readFileSync(out, 'utf8'));
    expect(got.argv).toEqual(['run', '--config', spec.configPath]);
    expect(got.cwd).toBe(spec.dataDir);
  });
});

describe('launchd plist', () => {
  it('is well-formed and valid against the plist structure, with awkward paths', () => {
    const spec = awkwardSpec({ dataDir: '/Users/ann/Library/Application Support/amr & <co>', configPath: '/Users/ann/Library/Application Support/amr & <co>/config.ini' });
    const file = join(tmp.path, 'agent.plist');
    writeFileSync(file, launchdPlist(spec));
    expect(xmllint(['--noout', '--nonet', file]).ok).toBe(true);
    const r = xmllint(['--noout', '--nonet', '--dtdvalid', PLIST_DTD, file]);
    // --nonet: the DOCTYPE's Apple URL is not fetched (that notice is the only output allowed).
    const problems = r.output.split('\n').filter((l) => l.trim() && !/PropertyList-1\.0\.dtd|^\s*\^\s*$/.test(l));
    expect(problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('the plist check is real: a key without a value fails', () => {
    const file = join(tmp.path, 'bad.plist');
    writeFileSync(file, launchdPlist(awkwardSpec()).replace('  <true/>\n', ''));
    expect(xmllint(['--noout', '--nonet', '--dtdvalid', PLIST_DTD, file]).ok).toBe(false);
  });

  it('runs every N seconds and at load, with the exact arguments', () => {
    const spec = awkwardSpec({ user: '_amr' });
    const plist = launchdPlist(spec, { daemon: true });
    expect(plist).toMatch(/<key>StartInterval<\/key>\s*<integer>14400<\/integer>/);
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
    expect(plist).toMatch(/<key>UserName<\/key>\s*<string>_amr<\/string>/);
    const args = [...plist.matchAll(/^ {4}<string>(.*)<\/string>$/gm)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
    expect(args).toEqual([spec.program, ...spec.programArgs, 'run', '--config', spec.configPath]);
    expect(launchdPlist(spec)).not.toContain('UserName'); // an agent runs as its user
  });

  it('launchctl commands and plist locations', () => {
    const daemonPath = launchdPlistPath({ name: 'amr' }, true, '/Users/ann');
    expect(daemonPath).toBe('/Library/LaunchDaemons/net.amr.amr.plist');
    expect(launchdPlistPath({ name: 'amr' }, false, '/Users/ann')).toBe('/Users/ann/Library/LaunchAgents/net.amr.amr.plist');
    expect(launchdCommands({ name: 'amr' }, daemonPath, true, 0)).toEqual({
      install: [['launchctl', 'bootstrap', 'system', daemonPath]],
      uninstall: [['launchctl', 'bootout', 'system/net.amr.amr']],
      status: ['launchctl', 'print', 'system/net.amr.amr'],
    });
    expect(launchdCommands({ name: 'amr' }, 'x', false, 501).status).toEqual(['launchctl', 'print', 'gui/501/net.amr.amr']);
  });
});
