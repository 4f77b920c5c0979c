/**
 * `amr devices`: the printers `amr run` reads (the inventory plus [device.ADDRESS]
 * sections), without sweeping; `amr devices add HOST` monitors one by hand: it is
 * read once to say what it is, and kept in the inventory either way.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { requireWritableDir } from '../durable-file.js';
import { inventoryPath, loadInventory, saveInventory, type InventoryDevice } from '../discover/inventory.js';
import { UserError } from '../errors.js';
import { inert } from '../inert.js';

const QUAD = /^\d{1,3}(\.\d{1,3}){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IPv4 address (every part 0-255) or a host name; anything else is refused before any network use. */
export function checkHost(host: string): string {
  const h = host.trim();
  if (QUAD.test(h)) {
    if (h.split('.').some((p) => Number(p) > 255)) throw new UserError(`"${host}" is not a valid IPv4 address (each part is 0-255)`);
    return h;
  }
  if (/^[\d.]+$/.test(h) || !HOSTNAME.test(h)) throw new UserError(`"${inert(host)}" is neither an IPv4 address nor a host name`);
  return h.toLowerCase();
}

export function registerDevices(program: Command): void {
  const devices = program.command('devices')
    .description('List the printers amr run reads (inventory and [device.ADDRESS] sections), without sweeping')
    .option('-c, --config <file>', 'config.ini to use')
    .option('--json', 'print as JSON')
    .action((opts: { config?: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const inv = loadInventory(inventoryPath(config.agent.data_dir));
      const configured = Object.entries(config.device).filter(([addr, d]) => !d.ignore && !inv.devices.some((x) => x.ip === addr)).map(([addr]) => addr);
      const ignored = new Set(Object.entries(config.device).filter(([, d]) => d.ignore).map(([a]) => a));
      if (opts.json) {
        process.stdout.write(JSON.stringify({ inventory: inv.devices, configured, ignored: [...ignored] }, null, 2) + '\n');
        return;
      }
      if (inv.devices.length === 0 && configured.length === 0) {
        process.stdout.write('No printers known: run amr discover, or amr devices add HOST to monitor one by hand.\n');
        return;
      }
      const rows = inv.devices.map((d) => [d.ip, d.vendor ?? '', d.model ?? '', d.serial ?? '', ignored.has(d.ip) ? 'ignored' : d.status, d.lastSeen.slice(0, 10)]);
      for (const addr of configured) rows.push([addr, '', '', '', 'config.ini', '']);
      const head = ['ADDRESS', 'VENDOR', 'MODEL', 'SERIAL', 'STATUS', 'LAST SEEN'];
      const cells = [head, ...rows].map((r) => r.map((c) => inert(c)));
      const widths = head.map((_, i) => Math.min(32, Math.max(...cells.map((r) => r[i]!.length))));
      for (const r of cells) process.stdout.write(r.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n');
      process.stdout.write(`${inv.devices.length + configured.length} device(s)${inv.updated ? `; inventory from ${inv.updated}` : ''}\n`);
    });

  devices.command('add <host>')
    .description('Monitor one printer by hand (IPv4 address or host name): it is read once now and kept in the inventory')
    .option('-c, --config <file>', 'config.ini to use')
    .action(async (hostArg: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ config?: string }>();
      const host = checkHost(hostArg);
      const config = loadConfig(opts.config);
      requireWritableDir(config.agent.data_dir);
      const file = inventoryPath(config.agent.data_dir);
      const inv = loadInventory(file);
      if (inv.devices.some((d) => d.ip === host || d.ips.includes(host))) {
        process.stdout.write(`${host} is already monitored\n`);
        return;
      }
      const { deviceReader } = await import('../schedule/run.js');
      const reading = await deviceReader(config)(host);
      const now = new Date().toISOString();
      const id = reading.ok && reading.identity.serial ? `serial:${reading.identity.serial.toUpperCase()}` : reading.ok && reading.identity.mac ? `mac:${reading.identity.mac}` : `ip:${host}`;
      const device: InventoryDevice = {
        id, serial: reading.ok ? reading.identity.serial : null, mac: reading.ok ? reading.identity.mac : null, ip: host, ips: [host],
        vendor: reading.identity.vendor, brand: null, model: reading.identity.model, kind: 'printer', sysName: reading.identity.hostname,
        sysObjectID: reading.identity.sysObjectID, credential: { version: '2c', community: 0 }, reason: 'added by hand (amr devices add)',
        status: 'new', firstSeen: now, lastSeen: now,
      };
      saveInventory(file, { ...inv, devices: [...inv.devices, device] });
      process.stdout.write(reading.ok
        ? `added ${host}: ${inert([reading.identity.vendor, reading.identity.model].filter(Boolean).join(' ') || 'unknown model')}${reading.identity.serial ? `, serial ${inert(reading.identity.serial)}` : ''}; amr run reads it from now on\n`
        : `added ${host}; it did not answer now (${inert(reading.error ?? 'no answer')}): amr run keeps trying, check [snmp] communities if it never answers\n`);
    });
}
