/**
 * Who may read config.ini (agent key, proxy password, communities) and the data
 * folder (spool, inventory with the credential that answered): only the task's
 * account, SYSTEM and Administrators on Windows; only the owner on Linux and macOS.
 * Setting (icacls argv, run by the installers and install-task) and checking
 * (icacls /save gives the DACL as SDDL, which does not depend on the Windows
 * language; file modes elsewhere) are pure here, the I/O is at the edges.
 */
import { win32 } from 'node:path';
import { SID, icaclsTrustee, serviceAccountSid } from './accounts.js';
import { systemTool } from './system-tools.js';

type Env = Record<string, string | undefined>;

/**
 * icacls commands that close the data folder (and config.ini when it lives elsewhere):
 * first every file below inherits again (/reset), then the folder drops what it
 * inherited from its parent and grants Full to Administrators and SYSTEM, Modify to
 * the task's account; the files inherit that.
 */
export function secureCommands(dataDir: string, configPath: string, account: string, env: Env = process.env): string[][] {
  const icacls = systemTool('icacls', env);
  const task = icaclsTrustee(account);
  const grants = [`*${SID.administrators}:(OI)(CI)F`, `*${SID.system}:(OI)(CI)F`];
  if (serviceAccountSid(account) !== SID.system) grants.push(`${task}:(OI)(CI)M`);
  const cmds = [
    [icacls, dataDir, '/reset', '/T', '/C', '/Q'],
    [icacls, dataDir, '/inheritance:r', '/grant:r', ...grants, '/Q'],
  ];
  const inside = win32.relative(dataDir.toLowerCase(), win32.dirname(configPath).toLowerCase()) === '';
  if (!inside) {
    const fileGrants = [`*${SID.administrators}:F`, `*${SID.system}:F`];
    if (serviceAccountSid(account) !== SID.system) fileGrants.push(`${task}:R`);
    cmds.push([icacls, configPath, '/inheritance:r', '/grant:r', ...fileGrants, '/Q']);
  }
  return cmds;
}

export interface Ace {
  allow: boolean;
  /** Applies only to children (IO): not to the object itself. */
  inheritOnly: boolean;
  mask: number;
  /** SID string, or the SDDL alias when it has no fixed SID (e.g. a domain alias). */
  trustee: string;
}

const ALIASES: Record<string, string> = {
  SY: SID.system, BA: SID.administrators, NS: SID.networkService, LS: SID.localService,
  BU: 'S-1-5-32-545', AU: 'S-1-5-11', WD: 'S-1-1-0', IU: 'S-1-5-4', AN: 'S-1-5-7', BG: 'S-1-5-32-546',
  PU: 'S-1-5-32-547', CO: 'S-1-3-0', CG: 'S-1-3-1', OW: 'S-1-3-4', SU: 'S-1-5-6', BO: 'S-1-5-32-551',
};

const RIGHTS: Record<string, number> = {
  GA: 0x10000000, GR: 0x80000000, GW: 0x40000000, GX: 0x20000000,
  FA: 0x1f01ff, FR: 0x120089, FW: 0x120116, FX: 0x1200a0,
  RC: 0x20000, SD: 0x10000, WD: 0x40000, WO: 0x80000,
  CC: 0x1, DC: 0x2, LC: 0x4, SW: 0x8, RP: 0x10, WP: 0x20, DT: 0x40, LO: 0x80, CR: 0x100,
};

function rightsMask(text: string): number {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  let mask = 0;
  for (let i = 0; i < text.length; i += 2) mask |= RIGHTS[text.slice(i, i + 2).toUpperCase()] ?? 0;
  return mask >>> 0;
}

/** The DACL of an SDDL string such as `D:PAI(A;OICI;FA;;;SY)(A;;0x1200a9;;;BU)`. */
export function parseSddlDacl(sddl: string): Ace[] {
  const dacl = /D:[A-Z]*((?:\([^)]*\))*)/.exec(sddl.replace(/\s+/g, ''));
  if (!dacl) return [];
  const aces: Ace[] = [];
  for (const m of dacl[1]!.matchAll(/\(([^)]*)\)/g)) {
    const [type = '', flags = '', rights = '', , , trustee = ''] = m[1]!.split(';');
    if (type !== 'A' && type !== 'D') continue; // object and callback ACEs: not written by icacls here
    aces.push({
      allow: type === 'A',
      inheritOnly: /IO/.test(flags),
      mask: rightsMask(rights),
      trustee: ALIASES[trustee.toUpperCase()] ?? trustee.toUpperCase(),
    });
  }
  return aces;
}

const READ_BITS = 0x1 | 0x80000000 | 0x10000000;
const WRITE_BITS = 0x2 | 0x4 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000;

export interface Exposure {
  trustee: string;
  read: boolean;
  write: boolean;
}

/** Trustees other than `allowed` SIDs that may read or change the object (allow ACEs that apply to it). */
export function exposures(aces: readonly Ace[], allowed: readonly string[]): Exposure[] {
  const ok = new Set(allowed.map((s) => s.toUpperCase()));
  const found = new Map<string, Exposure>();
  for (const a of aces) {
    if (!a.allow || a.inheritOnly || ok.has(a.trustee)) continue;
    const read = (a.mask & READ_BITS) !== 0;
    const write = (a.mask & WRITE_BITS) !== 0;
    if (!read && !write) continue;
    const prev = found.get(a.trustee) ?? { trustee: a.trustee, read: false, write: false };
    found.set(a.trustee, { trustee: a.trustee, read: prev.read || read, write: prev.write || write });
  }
  return [...found.values()];
}

const NAMES: Record<string, string> = {
  'S-1-5-32-545': 'Users', 'S-1-5-11': 'Authenticated Users', 'S-1-1-0': 'Everyone', 'S-1-5-4': 'INTERACTIVE',
  'S-1-5-7': 'ANONYMOUS LOGON', 'S-1-5-32-546': 'Guests', 'S-1-5-32-547': 'Power Users', 'S-1-5-20': 'NETWORK SERVICE',
  'S-1-5-19': 'LOCAL SERVICE', 'S-1-5-18': 'SYSTEM', 'S-1-3-4': 'OWNER RIGHTS',
};

export function describeExposure(e: Exposure): string {
  const who = NAMES[e.trustee] ? `${NAMES[e.trustee]} (${e.trustee})` : e.trustee;
  return `${who} can ${e.read && e.write ? 'read and change' : e.read ? 'read' : 'change'}`;
}

/** SIDs that may hold the secrets: Administrators, SYSTEM, and the task's account when it has a fixed SID. */
export function allowedSids(account: string): string[] {
  const sid = serviceAccountSid(account);
  return [SID.administrators, SID.system, ...(sid ? [sid] : [])];
}

/**
 * The file `icacls PATH /save OUT` writes (UTF-16 LE): the object's name, then its SDDL,
 * per object. Returns the first SDDL.
 */
export function sddlFromIcaclsSave(bytes: Buffer): string | null {
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf16le');
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => /^(O:|G:|D:)/.test(l));
  return line ?? null;
}

/** Unix: who besides the owner may read or write, from st_mode. */
export function modeExposure(mode: number, isDir: boolean): { group: string; others: string } | null {
  const bits = (shift: number) => {
    const v = (mode >> shift) & 7;
    const r = v & 4 ? 'read' : '';
    const w = v & 2 ? (isDir ? 'create and delete files in' : 'change') : '';
    const x = isDir && v & 1 && !r ? 'open files in' : '';
    return [r, w, x].filter(Boolean).join(', ');
  };
  const group = bits(3);
  const others = bits(0);
  return group || others ? { group, others } : null;
}
