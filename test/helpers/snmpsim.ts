/**
 * Debian's snmpsim (an independent SNMP agent) serving recordings on loopback,
 * the same way ../shared/tools/snmpsim-fleet does: --v2c-arch, device N at the
 * N-th endpoint. Used to cross-check amr against an agent that is not our own.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICES_DIR } from './fixtures.js';

export interface SnmpsimFleet {
  address: Map<string, string>;
  stop(): Promise<void>;
}

export async function startSnmpsim(base: string, port: number, names: string[], community = 'public'): Promise<SnmpsimFleet> {
  if (spawnSync('which', ['snmpsimd']).status !== 0) {
    throw new Error('snmpsimd is not installed: apt-get install snmpsim (.ci/run does this)');
  }
  const state = mkdtempSync(join(tmpdir(), 'amr-snmpsim-'));
  const data = join(state, 'data', community);
  const cache = join(state, 'cache');
  mkdirSync(data, { recursive: true });
  mkdirSync(cache, { recursive: true });
  const args = [`--data-dir=${join(state, 'data')}`, `--cache-dir=${cache}`, '--v2c-arch', `--logging-method=file:${join(state, 'log')}`];
  const address = new Map<string, string>();
  names.forEach((name, i) => {
    copyFileSync(join(DEVICES_DIR, 'printers', `${name}.snmprec`), join(data, `1.3.6.1.6.1.1.${i}.snmprec`));
    args.push(`--agent-udpv4-endpoint=${base}.${i + 1}:${port}`);
    address.set(name, `${base}.${i + 1}`);
  });
  for (const p of [state, join(state, 'data'), data, cache]) chmodSync(p, 0o777);
  if (process.getuid?.() === 0) args.push('--process-user=nobody', '--process-group=nogroup');
  const child: ChildProcess = spawn('snmpsimd', args, { stdio: 'ignore' });
  // Wait until the first device answers.
  for (let i = 0; i < 100; i++) {
    const probe = spawnSync('snmpget', ['-v2c', '-c', community, '-t', '0.2', '-r', '0', `${base}.1:${port}`, '1.3.6.1.2.1.1.2.0']);
    if (probe.status === 0) break;
    if (child.exitCode !== null) throw new Error(`snmpsimd exited (${child.exitCode}); see ${state}/log`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      rmSync(state, { recursive: true, force: true });
    },
  };
}
