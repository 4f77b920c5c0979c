/** Who may read the secrets: icacls commands, SDDL parsing, file modes, and `amr config check`'s warnings. */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedSids, describeExposure, exposures, modeExposure, parseSddlDacl, sddlFromIcaclsSave, secureCommands } from '../../src/platform/acl.js';
import { accessWarnings } from '../../src/platform/access-check.js';
import { icaclsTrustee, serviceAccountSid } from '../../src/platform/accounts.js';
import { inProgramFiles, systemTool } from '../../src/platform/system-tools.js';
import { amr as runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('amr-acl-test-');

const ENV = { SystemRoot: 'C:\\Windows' };

// DACLs in SDDL as `icacls /save` writes them (ACE order and inheritance flags as Windows stores them).
/** A folder created under C:\ on Windows 10: inherits Users read and Authenticated Users modify. */
const DEFAULT_ROOT_CHILD = 'D:AI(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)';
/** What install-task's icacls leaves: protected, Administrators/SYSTEM full, NETWORK SERVICE modify. */
const CLOSED = 'D:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1301bf;;;NS)';

describe('system tools and accounts', () => {
  it('tools by full path under %SystemRoot%\\System32; an odd SystemRoot is not trusted', () => {
    expect(systemTool('icacls', ENV)).toBe('C:\\Windows\\System32\\icacls.exe');
    expect(systemTool('eventcreate', { SystemRoot: 'E:\\WINNT\\' })).toBe('E:\\WINNT\\System32\\eventcreate.exe');
    for (const bad of ['windows', '\\\\server\\share', 'C:\\x\\..\\y', '']) expect(systemTool('reg', { SystemRoot: bad })).toBe('C:\\Windows\\System32\\reg.exe');
  });

  it('service accounts by SID in any spelling; others by name', () => {
    expect(serviceAccountSid('NETWORK SERVICE')).toBe('S-1-5-20');
    expect(serviceAccountSid('nt authority\\networkservice')).toBe('S-1-5-20');
    expect(serviceAccountSid('SYSTEM')).toBe('S-1-5-18');
    expect(serviceAccountSid('ACME\\svc')).toBeNull();
    expect(icaclsTrustee('Network Service')).toBe('*S-1-5-20');
    expect(icaclsTrustee('ACME\\svc')).toBe('ACME\\svc');
  });

  it('%ProgramFiles% by folder, not by prefix', () => {
    expect(inProgramFiles('C:\\Program Files\\amr\\amr.exe', {})).toBe(true);
    expect(inProgramFiles('c:\\program files (x86)\\amr\\amr.exe', {})).toBe(true);
    expect(inProgramFiles('C:\\Program Files Evil\\amr.exe', {})).toBe(false);
    expect(inProgramFiles('C:\\Users\\tech\\amr\\amr.exe', {})).toBe(false);
    expect(inProgramFiles('D:\\Apps\\amr\\amr.exe', { ProgramFiles: 'D:\\Apps' })).toBe(true);
  });
});

describe('setting the ACL (icacls)', () => {
  it('resets below, then protects the folder: Administrators and SYSTEM full, the task account modify', () => {
    expect(secureCommands('C:\\DriverPrinter', 'C:\\DriverPrinter\\config.ini', 'NETWORK SERVICE', ENV)).toEqual([
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\DriverPrinter', '/reset', '/T', '/C', '/Q'],
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\DriverPrinter', '/inheritance:r', '/grant:r', '*S-1-5-32-544:(OI)(CI)F', '*S-1-5-18:(OI)(CI)F', '*S-1-5-20:(OI)(CI)M', '/Q'],
    ]);
    // SYSTEM is already there; a config.ini elsewhere is closed on its own, read-only for the task.
    const sys = secureCommands('C:\\DriverPrinter', 'D:\\conf\\config.ini', 'SYSTEM', ENV);
    expect(sys[1]).not.toContain('*S-1-5-18:(OI)(CI)M');
    expect(sys[2]).toEqual(['C:\\Windows\\System32\\icacls.exe', 'D:\\conf\\config.ini', '/inheritance:r', '/grant:r', '*S-1-5-32-544:F', '*S-1-5-18:F', '/Q']);
    expect(secureCommands('C:\\Data', 'C:\\Other\\config.ini', 'ACME\\svc', ENV)[2]).toContain('ACME\\svc:R');
  });
});

describe('checking the ACL (SDDL from icacls /save)', () => {
  it('a folder that inherited the defaults: Users can read, Authenticated Users can change', () => {
    const e = exposures(parseSddlDacl(DEFAULT_ROOT_CHILD), allowedSids('NETWORK SERVICE'));
    expect(e.map(describeExposure)).toEqual(['Users (S-1-5-32-545) can read', 'Authenticated Users (S-1-5-11) can read and change']);
  });

  it('the folder install-task closes: nobody else', () => {
    expect(exposures(parseSddlDacl(CLOSED), allowedSids('NETWORK SERVICE'))).toEqual([]);
    // ... but for a task running as SYSTEM, NETWORK SERVICE is one too many.
    expect(exposures(parseSddlDacl(CLOSED), allowedSids('SYSTEM')).map(describeExposure)).toEqual(['NETWORK SERVICE (S-1-5-20) can read and change']);
  });

  it('deny ACEs, inherit-only ACEs and rights without read or write do not count; generic and hex rights do', () => {
    const aces = parseSddlDacl('O:BAG:SYD:(D;;FA;;;WD)(A;OICIIO;FA;;;BU)(A;;0x100000;;;IU)(A;;GR;;;S-1-5-21-1-2-3-1001)(A;;0x2;;;AN)');
    expect(exposures(aces, allowedSids('NETWORK SERVICE'))).toEqual([
      { trustee: 'S-1-5-21-1-2-3-1001', read: true, write: false },
      { trustee: 'S-1-5-7', read: false, write: true },
    ]);
  });

  it('reads the SDDL out of the UTF-16 file icacls /save writes', () => {
    const file = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`config.ini\r\n${CLOSED}\r\n`, 'utf16le')]);
    expect(sddlFromIcaclsSave(file)).toBe(CLOSED);
    expect(sddlFromIcaclsSave(Buffer.alloc(0))).toBeNull();
  });
});

describe('amr config check: who else can read the secrets', () => {
  it('Linux/macOS: warns for a config.ini and data folder others can open, with the chmod to run; quiet when closed', async () => {
    const data = join(tmp, 'data');
    const config = join(tmp, 'config.ini');
    writeFileSync(config, '[agent]\ncustomer = ACME\n');
    rmSync(data, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    chmodSync(config, 0o644);
    chmodSync(data, 0o755);
    const w = await accessWarnings({ configPath: config, dataDir: data, account: 'NETWORK SERVICE', platform: 'linux' });
    expect(w).toEqual([
      `${config}: its group can read and others can read it (mode 644); it holds secrets: chmod 600 ${config}`,
      `${data}: its group can read and others can read it (mode 755); it holds secrets: chmod 700 ${data}`,
    ]);
    chmodSync(config, 0o600);
    chmodSync(data, 0o700);
    expect(await accessWarnings({ configPath: config, dataDir: data, account: 'x', platform: 'linux' })).toEqual([]);
    chmodSync(config, 0o620);
    expect((await accessWarnings({ configPath: config, dataDir: data, account: 'x', platform: 'linux' }))[0]).toContain('its group can change it (mode 620)');
  });

  it('the command: exit 0 with the warning line after OK', async () => {
    const config = join(tmp, 'check.ini');
    const data = join(tmp, 'check-data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data, { recursive: true });
    chmodSync(data, 0o700);
    writeFileSync(config, `[agent]\ncustomer = ACME\ndata_dir = ${data}\n[server]\nurls = https://s1.example.net/amr\nagent_key = s3cret-agent-key\n`);
    chmodSync(config, 0o604);
    const r = await runCli(['config', 'check', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${config}: OK\nwarning: ${config}: others can read it (mode 604); it holds secrets: chmod 600 ${config}\n`);
    expect(r.stdout + r.stderr).not.toContain('s3cret-agent-key');
    chmodSync(config, 0o600);
    expect((await runCli(['config', 'check', '--config', config])).stdout).toBe(`${config}: OK\n`);
  });

  it('Windows: asks icacls (by full path) for each DACL and names who can read, with the fix', async () => {
    // Stands in for icacls.exe, which only runs on Windows (Wine's is a stub that writes nothing):
    // writes the /save file with the DACL a default folder has.
    const asked: string[][] = [];
    const run = async (argv: string[]) => {
      asked.push(argv);
      writeFileSync(argv[3]!, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`x\r\n${argv[1]!.endsWith('.ini') ? DEFAULT_ROOT_CHILD : CLOSED}\r\n`, 'utf16le')]));
      return { code: 0, stdout: 'Successfully processed 1 files; Failed processing 0 files', stderr: '' };
    };
    const w = await accessWarnings({ configPath: 'C:\\DriverPrinter\\config.ini', dataDir: 'C:\\DriverPrinter', account: 'NETWORK SERVICE', platform: 'win32', run, env: ENV });
    expect(asked.map((a) => [a[0], a[1], a[2]])).toEqual([
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\DriverPrinter\\config.ini', '/save'],
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\DriverPrinter', '/save'],
    ]);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^C:\\DriverPrinter\\config\.ini: Users \(S-1-5-32-545\) can read; Authenticated Users \(S-1-5-11\) can read and change; only NETWORK SERVICE and Administrators should: run amr install-task again as administrator, or: C:\\Windows\\System32\\icacls\.exe C:\\DriverPrinter \/reset/);
  });

  it('Windows: an icacls that saves nothing (Wine\'s) gives a line to check by hand, not silence', async () => {
    const run = async () => ({ code: 0, stdout: '', stderr: '' });
    const w = await accessWarnings({ configPath: 'C:\\D\\config.ini', dataDir: 'C:\\D', account: 'NETWORK SERVICE', platform: 'win32', run, env: ENV });
    expect(w).toEqual([
      'could not read the permissions of C:\\D\\config.ini (icacls: exit 0); check them by hand: only NETWORK SERVICE and Administrators may read it',
      'could not read the permissions of C:\\D (icacls: exit 0); check them by hand: only NETWORK SERVICE and Administrators may read it',
    ]);
  });
});

describe('file modes', () => {
  it('names what group and others may do', () => {
    expect(modeExposure(0o100600, false)).toBeNull();
    expect(modeExposure(0o40711, true)).toEqual({ group: 'open files in', others: 'open files in' });
    expect(modeExposure(0o100666, false)).toEqual({ group: 'read, change', others: 'read, change' });
  });
});
