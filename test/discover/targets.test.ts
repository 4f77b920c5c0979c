import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { buildTargets, intToIp, ipToInt, tokenRanges } from '../../src/discover/targets.js';
import { ownSubnets } from '../../src/discover/interfaces.js';

const list = async (inc: string[], exc: string[] = [], more: Parameters<typeof buildTargets>[1] = {}) =>
  [...(await buildTargets(inc, { exclude: exc, ...more })).addresses()];

describe('targets', () => {
  it('expands a CIDR without its network and broadcast addresses', async () => {
    const a = await list(['10.1.2.0/29']);
    expect(a).toEqual(['10.1.2.1', '10.1.2.2', '10.1.2.3', '10.1.2.4', '10.1.2.5', '10.1.2.6']);
    expect(await list(['10.1.2.7/32'])).toEqual(['10.1.2.7']);
    expect(await list(['10.1.2.3/24'])).toHaveLength(254); // host bits are masked off
  });

  it('expands dashed ranges, octet ranges and single addresses', async () => {
    expect(await list(['192.168.1.10-192.168.1.12'])).toEqual(['192.168.1.10', '192.168.1.11', '192.168.1.12']);
    expect(await list(['192.168.1.254-192.168.2.1'])).toEqual(['192.168.1.254', '192.168.1.255', '192.168.2.0', '192.168.2.1']);
    const oct = await list(['192.168.1-3.1-2']);
    expect(oct).toEqual(['192.168.1.1', '192.168.1.2', '192.168.2.1', '192.168.2.2', '192.168.3.1', '192.168.3.2']);
    expect(await list(['10.0.0.5'])).toEqual(['10.0.0.5']);
  });

  it('sweeps each address once when ranges overlap or repeat', async () => {
    const set = await buildTargets(['10.0.0.0/24', '10.0.0.10-10.0.1.5', '10.0.0.7', '10.0.0.0/25, 10.0.0.7']);
    expect(set.count).toBe(254 + 1 + 6); // .1-.254, .255, 10.0.1.0-.5
    expect(new Set(set.addresses()).size).toBe(set.count);
  });

  it('removes exclusions of every form, including network addresses of excluded CIDRs', async () => {
    const a = await list(['10.0.0.0/24'], ['10.0.0.0/26', '10.0.0.100-10.0.0.199', '10.0.0.254']);
    expect(a[0]).toBe('10.0.0.64');
    expect(a).not.toContain('10.0.0.150');
    expect(a).not.toContain('10.0.0.254');
    expect(a).toHaveLength(254 - 63 - 100 - 1);
  });

  it('resolves host names through the resolver and excludes them too', async () => {
    const resolve = async (h: string) => (h === 'printer1.example' ? ['10.9.9.9'] : h === 'gw.example' ? ['10.9.9.1'] : []);
    expect(await list(['printer1.example', '10.9.9.0/30'], ['gw.example'], { resolve })).toEqual(['10.9.9.2', '10.9.9.9']);
    await expect(list(['nosuch.example'], [], { resolve })).rejects.toThrow(/"nosuch\.example".*does not resolve/);
  });

  it('names a malformed target in a one-line UserError', async () => {
    for (const bad of ['10.0.0.300', '10.0.0.0/33', '10.0.0.9-10.0.0.1', '10.0.5-2.1', 'bad_name!', '1.2.3']) {
      const e = await buildTargets([bad]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toContain(`"${bad}"`);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('refuses more than a /16 unless confirmed, and never more than a /8', async () => {
    await expect(buildTargets(['10.0.0.0/8'])).rejects.toThrow(/--yes/);
    await expect(buildTargets(['10.0.0.0/15'])).rejects.toThrow(/--yes/);
    expect((await buildTargets(['10.0.0.0/16'])).count).toBe(65_534);
    expect((await buildTargets(['10.0.0.0/8'], { confirmed: true })).count).toBe(16_777_214);
    await expect(buildTargets(['10.0.0.0/7'], { confirmed: true })).rejects.toThrow(/most one sweep/);
  });

  it('finds the i-th address by index across ranges', async () => {
    const set = await buildTargets(['10.0.0.1-10.0.0.3', '10.0.5.1', '10.0.9.0/30']);
    expect([0, 1, 2, 3, 4, 5].map((i) => intToIp(set.at(i)))).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.5.1', '10.0.9.1', '10.0.9.2']);
    expect(ipToInt('255.255.255.255')).toBe(0xffffffff);
    expect(tokenRanges('10.0.0.0/24', true)).toEqual([[ipToInt('10.0.0.0'), ipToInt('10.0.0.255')]]);
  });
});

describe('own subnets (injected interface list; never swept)', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: true }],
    eth0: [
      { address: '192.168.10.37', netmask: '255.255.255.0', family: 'IPv4', internal: false },
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', internal: false },
    ],
    eth1: [{ address: '10.20.30.40', netmask: '255.255.0.0', family: 'IPv4', internal: false }],
    eth2: [{ address: '169.254.3.4', netmask: '255.255.0.0', family: 'IPv4', internal: false }],
    tun0: [{ address: '10.99.0.1', netmask: '255.255.255.255', family: 'IPv4', internal: false }],
    eth3: [{ address: '192.168.10.99', netmask: '255.255.255.0', family: 4, internal: false }],
  };

  it('skips loopback, link-local, IPv6 and /32; caps big subnets at /22 and says so', () => {
    const r = ownSubnets(ifaces);
    expect(r.targets).toEqual(['192.168.10.0/24', '10.20.28.0/22']);
    expect(r.notes.join('\n')).toMatch(/eth1 10\.20\.30\.40\/16 is larger than \/22; sweeping only 10\.20\.28\.0\/22/);
  });

  it('honours a configured max_prefix', () => {
    expect(ownSubnets(ifaces, 16).targets).toEqual(['192.168.10.0/24', '10.20.0.0/16']);
  });
});
