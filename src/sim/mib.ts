/**
 * One device's variables, sorted in OID order with the OIDs pre-split into numbers,
 * so GET is a binary search and GETNEXT is a binary search plus one step.
 */
import type { Varbind } from '../snmp/types.js';

export type OidKey = readonly number[];

export function oidKey(oid: string): OidKey {
  return oid.replace(/^\./, '').split('.').map(Number);
}

function cmp(a: OidKey, b: OidKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export class MibView {
  private keys: OidKey[] = [];
  private vbs: Varbind[] = [];

  constructor(varbinds: readonly Varbind[]) {
    const rows = varbinds.map((vb) => ({ key: oidKey(vb.oid), vb }));
    rows.sort((a, b) => cmp(a.key, b.key));
    for (const r of rows) {
      // A recording listing an OID twice: the later line wins, as it would on a live agent.
      if (this.keys.length > 0 && cmp(this.keys[this.keys.length - 1]!, r.key) === 0) this.vbs[this.vbs.length - 1] = r.vb;
      else { this.keys.push(r.key); this.vbs.push(r.vb); }
    }
  }

  get size(): number { return this.vbs.length; }

  /** Index of the first entry >= key. */
  private lowerBound(key: OidKey): number {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(this.keys[mid]!, key) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  get(key: OidKey): Varbind | undefined {
    const i = this.lowerBound(key);
    return i < this.keys.length && cmp(this.keys[i]!, key) === 0 ? this.vbs[i] : undefined;
  }

  /** The first variable after `key`, skipping those `skip` rejects (v1 skips Counter64). */
  next(key: OidKey, skip?: (vb: Varbind) => boolean): Varbind | undefined {
    let i = this.lowerBound(key);
    if (i < this.keys.length && cmp(this.keys[i]!, key) === 0) i++;
    while (i < this.vbs.length && skip?.(this.vbs[i]!)) i++;
    return this.vbs[i];
  }

  /** True when some variable lies inside the subtree `prefix` (to tell noSuchInstance from noSuchObject). */
  hasUnder(prefix: OidKey): boolean {
    const i = this.lowerBound(prefix);
    if (i >= this.keys.length) return false;
    const k = this.keys[i]!;
    if (k.length <= prefix.length) return false;
    for (let j = 0; j < prefix.length; j++) if (k[j] !== prefix[j]) return false;
    return true;
  }

  set(vb: Varbind): void {
    const key = oidKey(vb.oid);
    const i = this.lowerBound(key);
    if (i < this.keys.length && cmp(this.keys[i]!, key) === 0) this.vbs[i] = vb;
    else { this.keys.splice(i, 0, key); this.vbs.splice(i, 0, vb); }
  }

  delete(oid: string): boolean {
    const key = oidKey(oid);
    const i = this.lowerBound(key);
    if (i >= this.keys.length || cmp(this.keys[i]!, key) !== 0) return false;
    this.keys.splice(i, 1);
    this.vbs.splice(i, 1);
    return true;
  }

  all(): Varbind[] { return [...this.vbs]; }
}
