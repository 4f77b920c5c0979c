/** `amr profile list|test`: the vendor profiles, and what one extracts from a recording. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { UserError, errorMessage } from '../errors.js';
import type { Profile } from '../profiles/types.js';
import { parseSnmprec } from '../snmp/snmprec.js';

interface ProfileCliOptions { config?: string; dataDir?: string; json?: boolean; profile?: string }

// The profile engine (and its YAML parser) loads only when a profile command runs.
const engine = () => Promise.all([import('../profiles/load.js'), import('../profiles/explain.js')]);

async function profilesFor(opts: ProfileCliOptions): Promise<{ profiles: Profile[]; builtinDir: string }> {
  const [{ loadProfiles, BUILTIN_PROFILE_DIR }] = await engine();
  const dataDir = opts.dataDir ?? loadConfig(opts.config).agent.data_dir ?? undefined;
  return { profiles: loadProfiles({ dataDir }), builtinDir: BUILTIN_PROFILE_DIR };
}

function originLabel(p: Pick<Profile, 'origin'>, builtinDir: string): string {
  return p.origin?.startsWith(builtinDir) ? 'built-in' : p.origin ?? '';
}

function matchSummary(p: Profile): string {
  const m = p.match;
  if (!m) return `family ${p.family ?? '?'} (registry/${p.family ?? '?'}/vendor.json)`;
  return [
    m.sysObjectID && `sysObjectID ${m.sysObjectID.join(', ')}`,
    m.enterprise && `enterprise ${m.enterprise.join(', ')}`,
    m.sysDescr && `sysDescr /${m.sysDescr}/`,
    m.oid && `oid ${m.oid}`,
  ].filter(Boolean).join('; ');
}

export function registerProfile(program: Command): void {
  const cmd = program.command('profile').description('Vendor profiles: list them, test one against a recording');
  const common = (c: Command) => c
    .option('--config <file>', 'config.ini whose data folder holds dealer profiles (<data_dir>/profiles/)')
    .option('--data-dir <dir>', 'data folder to take dealer profiles from (overrides config.ini)')
    .option('--json', 'print JSON');

  common(cmd.command('list').description('List built-in and dealer profiles')).action(async (opts: ProfileCliOptions) => {
    const { profiles: all, builtinDir } = await profilesFor(opts);
    const profiles = all.sort((a, b) => a.name.localeCompare(b.name));
    if (opts.json) {
      process.stdout.write(JSON.stringify(profiles.map((p) => ({
        name: p.name, vendor: p.vendor ?? null, origin: originLabel(p, builtinDir), family: p.family ?? null, match: p.match ?? null, sources: p.sources ?? [],
      })), null, 2) + '\n');
      return;
    }
    const width = Math.max(...profiles.map((p) => p.name.length));
    for (const p of profiles) {
      process.stdout.write(`${p.name.padEnd(width)}  ${(p.vendor ?? '').padEnd(14)} ${originLabel(p, builtinDir).padEnd(9)} ${matchSummary(p)}\n`);
    }
  });

  common(cmd.command('test').description('Show which profile matches a recording and what it extracts (value, key, OID)')
    .argument('<recording>', '.snmprec file (e.g. from amr record)')
    .option('--profile <name>', 'use this profile instead of the one that matches'))
    .action(async (file: string, opts: ProfileCliOptions) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new UserError(`cannot read recording ${file}: ${errorMessage(e)}`);
      }
      const problems: string[] = [];
      const varbinds = parseSnmprec(text, file, (e) => problems.push(e.message));
      if (varbinds.length === 0) throw new UserError(`${file} holds no SNMP values; is it a .snmprec recording?`);
      const { profiles, builtinDir } = await profilesFor(opts);
      const [, { testProfile }] = await engine();
      let force: Profile | undefined;
      if (opts.profile) {
        force = profiles.find((p) => p.name === opts.profile);
        if (!force) throw new UserError(`no profile named "${opts.profile}"; see amr profile list`);
      }
      const result = testProfile(file, varbinds, profiles, force);
      if (opts.json) {
        const { reading: _r, ...rest } = result;
        process.stdout.write(JSON.stringify({ ...rest, skippedLines: problems }, null, 2) + '\n');
        return;
      }
      const out: string[] = [];
      out.push(result.profile
        ? `profile: ${result.profile} (${result.reason}; ${originLabel({ origin: result.origin ?? '' }, builtinDir)})`
        : 'profile: none matched (standard Printer-MIB only)');
      const w = Math.max(0, ...result.values.map((v) => v.path.length));
      for (const v of result.values) {
        const value = `${v.value}${v.unit ? ' ' + v.unit : ''}`;
        out.push(`  ${v.path.padEnd(w)}  ${value.padEnd(22)} ${v.source}`);
      }
      for (const f of result.flags) out.push(`  flag ${f.code}${f.path ? ` (${f.path})` : ''}: ${f.message}`);
      for (const p of problems) out.push(`  skipped: ${p}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
