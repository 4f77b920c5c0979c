/**
 * `amr config check`: warn when someone besides the task's account and the
 * administrators can read the secrets in config.ini or the data folder.
 * Windows asks icacls for the DACL (by full path); Linux and macOS read the mode.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { allowedSids, describeExposure, exposures, modeExposure, parseSddlDacl, sddlFromIcaclsSave, secureCommands } from './acl.js';
import { systemTool } from './system-tools.js';

export interface CommandOutcome { code: number; stdout: string; stderr: string }
export type Run = (argv: string[]) => Promise<CommandOutcome>;

export interface AccessCheckOptions {
  configPath: string;
  dataDir: string;
  /** The scheduled task's account ([schedule] run_as). */
  account: string;
  platform?: NodeJS.Platform;
  /** Runs a command (Windows); spawn by default. */
  run?: Run;
  env?: Record<string, string | undefined>;
}

function quoteWin(a: string): string {
  return /[\s"]/.test(a) ? `"${a}"` : a;
}

async function windowsWarnings(o: AccessCheckOptions, run: Run): Promise<string[]> {
  const out: string[] = [];
  const fix = secureCommands(o.dataDir, o.configPath, o.account, o.env).map((c) => c.map(quoteWin).join(' ')).join(' && ');
  const tmp = mkdtempSync(join(tmpdir(), 'amr-acl-'));
  try {
    for (const [i, path] of [o.configPath, o.dataDir].entries()) {
      const saved = join(tmp, `acl${i}`);
      const r = await run([systemTool('icacls', o.env), path, '/save', saved, '/Q']);
      let sddl: string | null = null;
      try { sddl = r.code === 0 ? sddlFromIcaclsSave(readFileSync(saved)) : null; } catch { sddl = null; }
      if (!sddl) {
        out.push(`could not read the permissions of ${path} (icacls: ${(r.stderr || r.stdout).trim().split(/\r?\n/)[0] || `exit ${r.code}`}); check them by hand: only ${o.account} and Administrators may read it`);
        continue;
      }
      const exposed = exposures(parseSddlDacl(sddl), allowedSids(o.account));
      if (exposed.length) {
        out.push(`${path}: ${exposed.map(describeExposure).join('; ')}; only ${o.account} and Administrators should: run amr install-task again as administrator, or: ${fix}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

function unixWarnings(o: AccessCheckOptions): string[] {
  const out: string[] = [];
  for (const [path, isDir, mode] of [[o.configPath, false, '600'], [o.dataDir, true, '700']] as const) {
    let st;
    try { st = statSync(path); } catch { continue; }
    const e = modeExposure(st.mode, isDir);
    if (!e) continue;
    const who = [e.group && `its group can ${e.group}`, e.others && `others can ${e.others}`].filter(Boolean).join(' and ');
    out.push(`${path}: ${who} it (mode ${(st.mode & 0o777).toString(8)}); it holds secrets: chmod ${mode} ${path}`);
  }
  return out;
}

/** One warning line per path that others can read or change; empty when closed. */
export async function accessWarnings(o: AccessCheckOptions): Promise<string[]> {
  const platform = o.platform ?? process.platform;
  if (platform === 'win32') {
    const run = o.run ?? (await import('./spawn.js')).runCommand;
    return windowsWarnings({ ...o, dataDir: win32.normalize(o.dataDir), configPath: win32.normalize(o.configPath) }, run);
  }
  return unixWarnings(o);
}
