/** `amr discover` end to end through the CLI entry point, against the simulator. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { block, recording } from './helpers.js';
import { tempConfig } from '../helpers/tmp.js';

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
  vi.restoreAllMocks();
});

async function amr(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => { out += String(c); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => { err += String(c); return true; });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'amr', ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

function setup() {
  const { dir, file } = tempConfig('[agent]\ncustomer = ACME\n\n[snmp]\ncommunities = public\n', 'amr-discover-');
  return { dir, config: file };
}

describe('amr discover', () => {
  it('lists exactly the printers with vendor, model, serial, MAC; a moved printer is moved, a gone one missing', async () => {
    const { prefix, port } = block();
    const { dir, config } = setup();
    const base = ['discover', '--config', config, '--data-dir', dir, '--port', String(port), '--timeout', '300ms', '--retries', '0', '--rate', '0'];
    let sim = await startSimulator({ devices: [
      { address: `${prefix}.10`, port, varbinds: recording('printers', 'pm_kyocera_p2040') },
      { address: `${prefix}.11`, port, varbinds: recording('printers', 'sharp_mxm266nv') },
      { address: `${prefix}.12`, port, varbinds: recording('others', 'linux') },
    ] });
    sims.push(sim);
    const first = await amr([...base, `${prefix}.0/24`]);
    expect(first.code).toBe(0);
    const lines = first.out.trim().split('\n');
    expect(lines[0]).toMatch(/^IP\s+VENDOR\s+MODEL\s+SERIAL\s+MAC\s+STATUS$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.10\\s+Kyocera\\s+ECOSYS P2040dw\\s+VD21457943\\s+00:17:c8:b9:02:de\\s+new$`));
    expect(lines[2]).toMatch(/Sharp\s+MX-M266NV\s+0505571100\s+ac:a8:8e:25:69:6c\s+new$/);
    expect(first.err).toMatch(/2 printers \(2 new, 0 moved, 0 missing\)/);
    expect(first.err).not.toContain('\r'); // no progress bar when not a TTY

    // The Kyocera moves to .20, the Sharp disappears.
    await sim.stop();
    sims = [];
    sim = await startSimulator({ devices: [{ address: `${prefix}.20`, port, varbinds: recording('printers', 'pm_kyocera_p2040') }] });
    sims.push(sim);
    const second = await amr([...base, '--json', `${prefix}.0/24`]);
    expect(second.code).toBe(0);
    const doc = JSON.parse(second.out) as { printers: Array<{ ip: string; status: string; serial: string; previousIp?: string }> };
    expect(doc.printers.map((p) => [p.ip, p.serial, p.status])).toEqual([
      [`${prefix}.11`, '0505571100', 'missing'],
      [`${prefix}.20`, 'VD21457943', 'moved'],
    ]);
    const inv = JSON.parse(readFileSync(join(dir, 'inventory.json'), 'utf8')) as { devices: unknown[]; swept: string[] };
    expect(inv.devices).toHaveLength(2);
    // What amr run re-sweeps when [discovery] targets is empty: this range, not a subnet it picks.
    expect(inv.swept).toEqual([`${prefix}.0/24`]);
  });

  it('--all explains the non-printers; --json lists them with the reason', async () => {
    const { prefix, port } = block();
    const { dir, config } = setup();
    sims.push(await startSimulator({ devices: [{ address: `${prefix}.5`, port, varbinds: recording('others', 'supermicro-bmc_x10slehf') }] }));
    const r = await amr(['discover', '--config', config, '--data-dir', dir, '--port', String(port), '--timeout', '200ms', '--retries', '0', '--rate', '0', '--all', `${prefix}.5`]);
    expect(r.out).toContain('No printers found.');
    expect(r.out).toMatch(/not a printer: .*no Printer-MIB/);
  });

  it('bad input: a malformed target is named, a /8 needs --yes, exit code 2, no stack trace', async () => {
    const { dir, config } = setup();
    const bad = await amr(['discover', '--config', config, '--data-dir', dir, '127.0.0.300']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^amr: bad target "127\.0\.0\.300": /);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const big = await amr(['discover', '--config', config, '--data-dir', dir, '127.0.0.0/8']);
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/more than a \/16; run again with --yes/);
    const rate = await amr(['discover', '--config', config, '--data-dir', dir, '--rate', 'fast', '127.0.0.1']);
    expect(rate.code).toBe(2);
    expect(rate.err).toMatch(/bad --rate "fast"/);
  });
});
