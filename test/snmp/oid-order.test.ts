/** compareOids orders OIDs as a MIB walk does: arc by arc, numerically, a prefix first. */
import { describe, expect, it } from 'vitest';
import { compareOids } from '../../src/snmp/types.js';

function reference(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return pa.length - pb.length;
}

describe('compareOids', () => {
  it('orders by arcs numerically, a prefix before its subtree', () => {
    expect(compareOids('1.3.6.1.2', '1.3.6.1.10')).toBeLessThan(0);
    expect(compareOids('1.3.6.1', '1.3.6.1.0')).toBeLessThan(0);
    expect(compareOids('1.3.6.1.0', '1.3.6.1')).toBeGreaterThan(0);
    expect(compareOids('1.3.6.1.4.1.4294967295', '1.3.6.1.4.1.4294967294')).toBeGreaterThan(0);
    expect(compareOids('1.3.6', '1.3.6')).toBe(0);
  });

  it('agrees in sign with arc-by-arc comparison on random OIDs', () => {
    const arc = () => String(Math.random() < 0.3 ? Math.floor(Math.random() * 3) : Math.floor(Math.random() * 2 ** 32));
    const oid = () => Array.from({ length: 1 + Math.floor(Math.random() * 12) }, arc).join('.');
    for (let k = 0; k < 20_000; k++) {
      const a = oid();
      const b = Math.random() < 0.3 ? `${a}.${arc()}` : Math.random() < 0.2 ? a : oid();
      expect(Math.sign(compareOids(a, b)), `${a} vs ${b}`).toBe(Math.sign(reference(a, b)));
    }
  });
});
