import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Classification } from '../../src/discover/classify.js';
import { emptyInventory, loadInventory, mergeInventory, saveInventory } from '../../src/discover/inventory.js';
import type { FoundDevice } from '../../src/discover/sweep.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';

const printer: Classification = { printer: true, kind: 'printer', vendor: 'Brother', model: 'HL-L2350DW', reason: 'implements the Printer-MIB' };
function found(ip: string, serial?: string, mac?: string, c: Classification = printer): FoundDevice {
  return { ip, credential: { version: '2c', community: 0 }, facts: { serial, mac }, classification: c, identified: true };
}
const all = () => true;

describe('inventory', () => {
  it('adds new printers and skips non-printers', () => {
    const inv = mergeInventory(emptyInventory(), [
      found('10.0.0.5', 'SER1', 'aa:bb:cc:00:00:01'),
      found('10.0.0.6', undefined, undefined, { printer: false, kind: 'host', reason: 'no Printer-MIB' }),
    ], { swept: all, complete: true });
    expect(inv.devices).toHaveLength(1);
    expect(inv.devices[0]).toMatchObject({ id: 'serial:SER1', ip: '10.0.0.5', status: 'new', vendor: 'Brother' });
  });

  it('a known serial on a new IP is the same printer, moved', () => {
    const one = mergeInventory(emptyInventory(), [found('10.0.0.5', 'SER1', 'aa:bb:cc:00:00:01')], { swept: all, complete: true, now: new Date('2025-01-01') });
    const two = mergeInventory(one, [found('10.0.0.77', 'SER1', 'aa:bb:cc:00:00:01')], { swept: all, complete: true, now: new Date('2025-01-02') });
    expect(two.devices).toHaveLength(1);
    expect(two.devices[0]).toMatchObject({ ip: '10.0.0.77', previousIp: '10.0.0.5', status: 'moved', firstSeen: '2025-01-01T00:00:00.000Z' });
    const three = mergeInventory(two, [found('10.0.0.77', 'SER1')], { swept: all, complete: true });
    expect(three.devices[0]!.status).toBe('known');
  });

  it('matches by MAC when a device gives no serial', () => {
    const one = mergeInventory(emptyInventory(), [found('10.0.0.5', undefined, 'aa:bb:cc:00:00:02')], { swept: all, complete: true });
    const two = mergeInventory(one, [found('10.0.0.9', undefined, 'AA:BB:CC:00:00:02')], { swept: all, complete: true });
    expect(two.devices).toHaveLength(1);
    expect(two.devices[0]).toMatchObject({ status: 'moved', ip: '10.0.0.9', id: 'mac:aa:bb:cc:00:00:02' });
  });

  it('one device answering on two IPs is one device', () => {
    const inv = mergeInventory(emptyInventory(), [found('10.0.0.5', 'SER1', 'aa:bb:cc:00:00:01'), found('10.0.1.5', 'SER1', 'aa:bb:cc:00:00:03')], { swept: all, complete: true });
    expect(inv.devices).toHaveLength(1);
    expect(inv.devices[0]!.ips).toEqual(['10.0.0.5', '10.0.1.5']);
  });

  it('different serials at one IP are two printers: the old one is missing, the new one new', () => {
    const one = mergeInventory(emptyInventory(), [found('10.0.0.5', 'OLD')], { swept: all, complete: true });
    const two = mergeInventory(one, [found('10.0.0.5', 'NEW')], { swept: all, complete: true });
    expect(two.devices.map((d) => [d.serial, d.status])).toEqual([['OLD', 'missing'], ['NEW', 'new']]);
  });

  it('marks a vanished printer missing (never deletes it), only where the sweep looked and finished', () => {
    const one = mergeInventory(emptyInventory(), [found('10.0.0.5', 'A'), found('10.0.9.5', 'B')], { swept: all, complete: true });
    const swept = (ip: string) => ip.startsWith('10.0.0.');
    const interrupted = mergeInventory(one, [], { swept, complete: false });
    expect(interrupted.devices.map((d) => d.status)).toEqual(['known', 'known']);
    const two = mergeInventory(one, [], { swept, complete: true });
    expect(two.devices.map((d) => d.status)).toEqual(['missing', 'known']);
    expect(two.devices[0]!.missingSince).toBeDefined();
    const back = mergeInventory(two, [found('10.0.0.5', 'A')], { swept, complete: true });
    expect(back.devices[0]).toMatchObject({ status: 'known' });
    expect(back.devices[0]!.missingSince).toBeUndefined();
  });

  it('saves atomically and loads back; garbage is a clear UserError', () => {
    const dir = tempDir('amr-inv-');
    const file = join(dir, 'sub', 'inventory.json');
    expect(loadInventory(file).devices).toEqual([]);
    const inv = mergeInventory(emptyInventory(), [found('10.0.0.5', 'A')], { swept: all, complete: true });
    saveInventory(file, inv);
    expect(loadInventory(file)).toEqual(inv);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['inventory.json']); // no temp file left behind
    writeFileSync(file, '{"devices": [');
    expect(() => loadInventory(file)).toThrow(UserError);
    expect(readFileSync(file, 'utf8')).toBe('{"devices": [');
  });
});
