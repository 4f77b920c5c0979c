import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isoDuration, startBoundary, utf16leWithBom, windowsAction, windowsCommands, windowsTaskXml,
} from '../../src/task/windows.js';
import { windowsArg } from '../../src/task/quote.js';
import { tempDir, winSpec, XSD, xmllint } from '../schedule/helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Write as install-task does (UTF-16 LE + BOM) and validate against Microsoft's schema. */
function validate(xml: string, name: string): { ok: boolean; output: string } {
  const file = join(tmp.path, name);
  writeFileSync(file, utf16leWithBom(xml));
  return xmllint(['--noout', '--schema', XSD, file]);
}

const NOW = new Date(2026, 2, 10, 14, 30, 0);

describe('Windows task XML', () => {
  it('validates against the Task Scheduler 1.3 schema (NETWORK SERVICE, SYSTEM)', () => {
    const r = validate(windowsTaskXml(winSpec(), { now: NOW }), 'ns.xml');
    expect(r.output).toContain('validates');
    expect(r.ok).toBe(true);
    const sys = windowsTaskXml(winSpec({ user: 'SYSTEM' }), { now: NOW });
    expect(sys).toContain('<UserId>S-1-5-18</UserId>');
    expect(sys).toContain('<RunLevel>HighestAvailable</RunLevel>');
    expect(validate(sys, 'system.xml').ok).toBe(true);
  });

  it('validates for a named user, odd characters and spaces in every path', () => {
    const spec = winSpec({
      user: 'ACME\\Print Admin',
      program: 'C:\\Program Files (x86)\\amr & co\\amr.cmd',
      programArgs: [],
      dataDir: 'D:\\Data <Printers>\\amr\'s "folder"',
      configPath: 'D:\\Data <Printers>\\amr\'s "folder"\\config.ini',
      description: 'a & b <c>',
    });
    const xml = windowsTaskXml(spec, { now: NOW });
    const r = validate(xml, 'user.xml');
    expect(r.output).toContain('validates');
    expect(xml).toContain('<UserId>ACME\\Print Admin</UserId>');
    expect(xml).toContain('<LogonType>Password</LogonType>');
    expect(xml).toContain('&amp; co');
  });

  it('the schema check is real: a broken definition fails', () => {
    const good = windowsTaskXml(winSpec(), { now: NOW });
    const wrongOrder = good.replace(/(\s*<Enabled>true<\/Enabled>)(\s*<StartBoundary>[^<]*<\/StartBoundary>)/, '$2$1');
    expect(wrongOrder).not.toBe(good);
    expect(validate(wrongOrder, 'bad1.xml').ok).toBe(false);
    const tooShort = good.replace(/<Interval>PT4H<\/Interval>/, '<Interval>PT30S</Interval>');
    expect(validate(tooShort, 'bad2.xml').ok).toBe(false);
  });

  it('says what a Windows administrator expects: every N hours, at boot, one instance, limits, network', () => {
    const xml = windowsTaskXml(winSpec({ everyMs: 6 * 3_600_000, timeBudgetMs: 20 * 60_000 }), { now: NOW });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-16"?>')).toBe(true);
    expect(xml).toContain('<Task version="1.3" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">');
    expect(xml).toMatch(/<TimeTrigger>[\s\S]*<Interval>PT6H<\/Interval>[\s\S]*<\/TimeTrigger>/);
    expect(xml).toMatch(/<BootTrigger>[\s\S]*<Delay>PT5M<\/Delay>[\s\S]*<\/BootTrigger>/);
    expect(xml).toContain('<UserId>S-1-5-20</UserId>'); // NETWORK SERVICE by default
    expect(xml).toContain('<RunLevel>LeastPrivilege</RunLevel>');
    expect(xml).not.toContain('<LogonType>');
    expect(xml).toContain('<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>');
    expect(xml).toContain('<StartWhenAvailable>true</StartWhenAvailable>');
    expect(xml).toContain('<RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>');
    // 20 min budget + 10 min margin for a hung run
    expect(xml).toContain('<ExecutionTimeLimit>PT30M</ExecutionTimeLimit>');
    expect(xml).toContain('<Command>"C:\\Program Files\\nodejs\\node.exe"</Command>');
    expect(xml).toContain('<Arguments>"C:\\Program Files\\amr\\bin\\amr.js" run --config C:\\DriverPrinter\\config.ini --scheduled</Arguments>');
    expect(xml).toContain('<WorkingDirectory>C:\\DriverPrinter</WorkingDirectory>');
    expect(xml).toContain('<StartBoundary>2026-03-10T00:');
  });

  it('is written as UTF-16 LE with a byte order mark and reads back the same', () => {
    const xml = windowsTaskXml(winSpec(), { now: NOW });
    const file = join(tmp.path, 'bom.xml');
    writeFileSync(file, utf16leWithBom(xml));
    const bytes = readFileSync(file);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe(xml);
  });

  it('rejects a program path Task Scheduler cannot hold', () => {
    expect(() => windowsTaskXml(winSpec({ program: `C:\\${'x'.repeat(300)}\\node.exe` }))).toThrow(/260 characters/);
  });
});

describe('Windows command lines', () => {
  it('quotes arguments as CommandLineToArgvW splits them', () => {
    expect(windowsArg('C:\\DriverPrinter\\config.ini')).toBe('C:\\DriverPrinter\\config.ini');
    expect(windowsArg('C:\\My Data\\config.ini')).toBe('"C:\\My Data\\config.ini"');
    expect(windowsArg('C:\\My Data\\')).toBe('"C:\\My Data\\\\"');
    expect(windowsArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(windowsArg('a\\"b')).toBe('"a\\\\\\"b"');
    expect(windowsArg('')).toBe('""');
  });

  it('the action runs node with bin/amr.js, or an installed amr.cmd directly', () => {
    expect(windowsAction(winSpec({ dataDir: 'C:\\My Data', configPath: 'C:\\My Data\\config.ini' }))).toEqual({
      command: '"C:\\Program Files\\nodejs\\node.exe"',
      arguments: '"C:\\Program Files\\amr\\bin\\amr.js" run --config "C:\\My Data\\config.ini" --scheduled',
    });
    expect(windowsAction(winSpec({ program: 'C:\\amr\\amr.cmd', programArgs: [] }))).toEqual({
      command: 'C:\\amr\\amr.cmd',
      arguments: 'run --config C:\\DriverPrinter\\config.ini --scheduled',
    });
  });

  it('schtasks commands: create from XML, delete, query; a named user is asked for the password', () => {
    // schtasks by full path under %SystemRoot%, never through PATH or the current folder.
    const env = { SystemRoot: 'D:\\WINDOWS' };
    const S = 'D:\\WINDOWS\\System32\\schtasks.exe';
    const c = windowsCommands(winSpec(), 'C:\\DriverPrinter\\amr-task.xml', env);
    expect(c.install).toEqual([S, '/Create', '/TN', 'amr', '/XML', 'C:\\DriverPrinter\\amr-task.xml', '/F']);
    expect(c.uninstall).toEqual([S, '/Delete', '/TN', 'amr', '/F']);
    expect(c.status).toEqual([S, '/Query', '/TN', 'amr', '/V', '/FO', 'LIST']);
    expect(windowsCommands(winSpec(), 'C:\\x.xml', { SystemRoot: '..\\evil' }).install[0]).toBe('C:\\Windows\\System32\\schtasks.exe');
    const u = windowsCommands(winSpec({ user: 'ACME\\printer' }), 'C:\\x.xml', env);
    expect(u.install).toEqual([S, '/Create', '/TN', 'amr', '/XML', 'C:\\x.xml', '/RU', 'ACME\\printer', '/RP', '*', '/F']);
  });

  it('durations in ISO 8601', () => {
    expect(isoDuration(4 * 3_600_000)).toBe('PT4H');
    expect(isoDuration(90 * 60_000)).toBe('PT1H30M');
    expect(isoDuration(26 * 3_600_000)).toBe('P1DT2H');
    expect(isoDuration(86_400_000)).toBe('P1D');
    expect(isoDuration(0)).toBe('PT0S');
  });

  it('the start minute is spread by computer but stable', () => {
    const a = startBoundary(NOW, 4 * 3_600_000, 'pc-1');
    expect(startBoundary(NOW, 4 * 3_600_000, 'pc-1')).toBe(a);
    const minutes = new Set(['pc-1', 'pc-2', 'pc-3', 'pc-4', 'pc-5', 'pc-6'].map((k) => startBoundary(NOW, 4 * 3_600_000, k)));
    expect(minutes.size).toBeGreaterThan(1);
    expect(startBoundary(NOW, 60_000, 'pc-1')).toBe('2026-03-10T00:00:00');
  });
});
