/**
 * Discovery targets: CIDRs, dashed ranges, octet ranges (192.168.1-3.1-254), single
 * addresses and host names, minus exclusions, as a sorted list of disjoint address
 * ranges. Addresses are unsigned 32-bit integers; nothing is expanded into per-host
 * objects, so a /16 costs a few bytes and `at(i)` finds the i-th address by binary search.
 */
import { lookup } from 'node:dns/promises';
import { isValidTargetToken } from '../config/targets-syntax.js';
import { UserError } from '../errors.js';

/** Sweeps larger than this many addresses (a /16) need an explicit --yes. */
const CONFIRM_ABOVE = 65_536;
/** Never sweep more than a /8, confirmed or not. */
const HARD_LIMIT = 1 << 24;

export type Resolver = (host: string) => Promise<string[]>;

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Inclusive [start, end] pairs. */
export type Range = [number, number];

/** Split a CLI or config list: commas and/or white space. */
function splitTargets(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/)).filter((t) => t !== '');
}

/**
 * The ranges one numeric token covers, or null when it is a host name. `forExclusion`
 * keeps the network and broadcast addresses of a CIDR (they are skipped when sweeping).
 */
export function tokenRanges(token: string, forExclusion = false): Range[] | null {
  const t = token.trim();
  if (!isValidTargetToken(t)) {
    throw new UserError(`bad target "${t}": use a CIDR (10.1.0.0/24), a range (10.1.0.10-10.1.0.50 or 10.1.0-3.1-254), an address or a host name`);
  }
  if (!/^[\d.\-/]+$/.test(t)) return null;
  if (t.includes('/')) {
    const [ip, bits] = t.split('/') as [string, string];
    const prefix = Number(bits);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const start = (ipToInt(ip) & mask) >>> 0;
    const end = (start + (2 ** (32 - prefix) - 1)) >>> 0;
    // Network and broadcast addresses of a real subnet answer nobody; /31 and /32 have none.
    if (prefix <= 30 && !forExclusion) return [[start + 1, end - 1]];
    return [[start, end]];
  }
  const dashed = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dashed) {
    const a = ipToInt(dashed[1]!);
    const b = ipToInt(dashed[2]!);
    if (a > b) throw new UserError(`bad target "${t}": the range ends before it starts; write the lower address first`);
    return [[a, b]];
  }
  const octets = t.split('.').map((o) => {
    const [lo, hi = lo] = o.split('-').map(Number) as [number, number?];
    if (lo > hi!) throw new UserError(`bad target "${t}": octet range "${o}" ends before it starts`);
    return [lo, hi!] as [number, number];
  });
  // Cartesian product over the first three octets; the last octet stays a contiguous run.
  const out: Range[] = [];
  const [a, b, c, d] = octets as [[number, number], [number, number], [number, number], [number, number]];
  for (let x = a[0]; x <= a[1]; x++) {
    for (let y = b[0]; y <= b[1]; y++) {
      for (let z = c[0]; z <= c[1]; z++) {
        const base = ((x << 24) | (y << 16) | (z << 8)) >>> 0;
        out.push([base + d[0], base + d[1]]);
      }
    }
  }
  return out;
}

/** Sort and merge overlapping or touching ranges. */
function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((p, q) => p[0] - q[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** `ranges` minus `minus`; both merged. */
function subtractRanges(ranges: Range[], minus: Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const [s0, e] of ranges) {
    let s = s0;
    while (j < minus.length && minus[j]![1] < s) j++;
    let k = j;
    while (s <= e) {
      const m = minus[k];
      if (!m || m[0] > e) {
        out.push([s, e]);
        break;
      }
      if (m[0] > s) out.push([s, m[0] - 1]);
      s = Math.max(s, m[1] + 1);
      k++;
    }
  }
  return out;
}

/** The addresses to sweep: disjoint sorted ranges and random access by index. */
export class TargetSet {
  readonly ranges: Range[];
  readonly count: number;
  private readonly starts: number[];

  constructor(ranges: Range[]) {
    this.ranges = ranges;
    this.starts = [];
    let n = 0;
    for (const [s, e] of ranges) {
      this.starts.push(n);
      n += e - s + 1;
    }
    this.count = n;
  }

  /** The i-th address (0 <= i < count) as an integer. */
  at(i: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.ranges[lo]![0] + (i - this.starts[lo]!);
  }

  /** The index of address n (an integer), or -1 when it is not a target. */
  indexOf(n: number): number {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [s, e] = this.ranges[mid]!;
      if (n < s) hi = mid - 1;
      else if (n > e) lo = mid + 1;
      else return this.starts[mid]! + (n - s);
    }
    return -1;
  }

  *addresses(): Generator<string> {
    for (const [s, e] of this.ranges) for (let a = s; a <= e; a++) yield intToIp(a);
  }
}

export interface TargetOptions {
  exclude?: readonly string[];
  /** Allow more than CONFIRM_ABOVE addresses (the user said --yes). */
  confirmed?: boolean;
  /** Host name lookup; the default asks the system resolver for IPv4 addresses. */
  resolve?: Resolver;
}

const systemResolve: Resolver = async (host) => (await lookup(host, { all: true, family: 4 })).map((a) => a.address);

async function rangesOf(tokens: readonly string[], resolve: Resolver, forExclusion: boolean): Promise<Range[]> {
  const out: Range[] = [];
  for (const token of tokens) {
    const r = tokenRanges(token, forExclusion);
    if (r) {
      out.push(...r);
      continue;
    }
    let ips: string[];
    try {
      ips = await resolve(token);
    } catch {
      ips = [];
    }
    if (ips.length === 0) throw new UserError(`bad target "${token}": the host name does not resolve to an IPv4 address; check the name or use its address`);
    for (const ip of ips) out.push([ipToInt(ip), ipToInt(ip)]);
  }
  return out;
}

/** Parse, resolve, merge and subtract: the set of addresses a sweep will probe, each once. */
export async function buildTargets(include: readonly string[], options: TargetOptions = {}): Promise<TargetSet> {
  const resolve = options.resolve ?? systemResolve;
  const inc = mergeRanges(await rangesOf(splitTargets(include), resolve, false));
  const exc = mergeRanges(await rangesOf(splitTargets(options.exclude ?? []), resolve, true));
  const set = new TargetSet(subtractRanges(inc, exc));
  if (set.count > HARD_LIMIT) {
    throw new UserError(`targets cover ${set.count.toLocaleString('en')} addresses; the most one sweep may cover is a /8 (${HARD_LIMIT.toLocaleString('en')}); split them`);
  }
  if (set.count > CONFIRM_ABOVE && !options.confirmed) {
    throw new UserError(`targets cover ${set.count.toLocaleString('en')} addresses, more than a /16; run again with --yes if you really mean to sweep that many`);
  }
  return set;
}
