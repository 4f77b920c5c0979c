/**
 * The ACL check on DACLs recorded on real Windows (test/platform/fixtures/README.md):
 * `icacls /save` files and Get-Acl SDDL. Wine's icacls saves nothing, so these
 * recordings are what proves the parsing; the closing itself is checked on Windows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowedSids, describeExposure, exposures, parseSddlDacl, sddlFromIcaclsSave } from '../../src/platform/acl.js';

const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
/** As icacls writes its /save file: UTF-16 LE, CRLF; with or without a byte order mark. */
const asSaved = (t: string, bom: boolean) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(t.replace(/\r?\n/g, '\r\n'), 'utf16le')]);
const TASK = allowedSids('NETWORK SERVICE');

function check(sddl: string): string[] {
  return exposures(parseSddlDacl(sddl), TASK).map(describeExposure);
}

describe('DACLs recorded on real Windows', () => {
  it('a folder made under C:\\ (the default a DATADIR elsewhere would get): Users read, Authenticated Users change', () => {
    for (const bom of [false, true]) {
      const sddl = sddlFromIcaclsSave(asSaved(text('icacls-save-folder-under-c.txt'), bom));
      expect(sddl).toBe('D:(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)');
      expect(check(sddl!)).toEqual(['Users (S-1-5-32-545) can read', 'Authenticated Users (S-1-5-11) can read and change']);
    }
  });

  it('a folder in a user\'s profile: that user can read and change (the task runs as NETWORK SERVICE, not as them)', () => {
    const sddl = sddlFromIcaclsSave(asSaved(text('icacls-save-profile-folder.txt'), false))!;
    expect(check(sddl)).toEqual(['S-1-5-21-3875827837-2291611180-1020715461-1001 can read and change']);
    // Installed to run as that user, the same folder is closed.
    expect(exposures(parseSddlDacl(sddl), [...TASK, 'S-1-5-21-3875827837-2291611180-1020715461-1001'])).toEqual([]);
  });

  it('a folder on a second disk: inherit-only generic ACEs do not count, the inherited ones do', () => {
    const sddl = text('sddl-folder-on-second-disk.txt').trim();
    const aces = parseSddlDacl(sddl);
    expect(aces).toHaveLength(8);
    expect(aces.filter((a) => a.inheritOnly)).toHaveLength(4);
    expect(check(sddl)).toEqual(['Authenticated Users (S-1-5-11) can read and change', 'Users (S-1-5-32-545) can read']);
  });
});
