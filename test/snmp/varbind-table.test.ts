/** VarbindTable: one device's varbinds by OID and by column, whatever order they came in. */
import { describe, expect, it } from 'vitest';
import type { Varbind } from '../../src/snmp/types.js';
import { VarbindTable } from '../../src/snmp/varbind-table.js';

const vb = (oid: string, value: Varbind['value'] = 1, type: Varbind['type'] = 'Integer'): Varbind => ({ oid, type, value });

describe('VarbindTable', () => {
  // Unsorted, with a neighbour column whose number starts with the same digit (1.1 vs 1.10),
  // a deeper index, a leading dot, and exceptions.
  const t = new VarbindTable([
    vb('1.3.6.1.2.1.43.11.1.1.9.1.10', 10),
    vb('1.3.6.1.2.1.43.11.1.1.10.1.1', 99),
    vb('.1.3.6.1.2.1.43.11.1.1.9.1.2', 2),
    vb('1.3.6.1.2.1.43.11.1.1.9.1.1', 1),
    vb('1.3.6.1.2.1.43.11.1.1.9.2.1', 21),
    vb('1.3.6.1.2.1.43.11.1.1.8.1.1', 8),
    vb('1.3.6.1.2.1.43.11.1.1.9.1.3', null, 'NoSuchInstance'),
    vb('1.3.6.1.2.1.1.5.0', Buffer.from('name'), 'OctetString'),
  ]);

  it('gives a column\'s rows in OID order, and only that column\'s', () => {
    const rows = t.column('1.3.6.1.2.1.43.11.1.1.9');
    expect(rows.map(([i, v]) => [i, v.value])).toEqual([['1.1', 1], ['1.2', 2], ['1.10', 10], ['2.1', 21]]);
    expect(t.column('.1.3.6.1.2.1.43.11.1.1.9')).toBe(rows); // same column, cached
    expect(t.column('1.3.6.1.2.1.43.11.1.1.1')).toEqual([]);
    expect(t.column('1.3.6.1.2.1.43.11.1.1.10').map(([i]) => i)).toEqual(['1.1']);
    expect(t.column('1.3.6.1.2.1.43.11.1.1.8').map(([i]) => i)).toEqual(['1.1']);
  });

  it('finds scalars and cells with or without a leading dot; exceptions are not values', () => {
    expect(t.get('.1.3.6.1.2.1.1.5.0')?.value).toEqual(Buffer.from('name'));
    expect(t.cell('1.3.6.1.2.1.43.11.1.1.9', '1.2')?.value).toBe(2);
    expect(t.cell('1.3.6.1.2.1.43.11.1.1.9', '1.3')).toBeUndefined();
    expect(t.size).toBe(7);
    expect(t.all().map((v) => v.oid)[0]).toBe('1.3.6.1.2.1.1.5.0');
  });

  it('a column OID that is itself a value is not one of its rows', () => {
    const u = new VarbindTable([vb('1.3.6.1.4.1.9', 0), vb('1.3.6.1.4.1.9.1', 1), vb('1.3.6.1.4.1.90.1', 2)]);
    expect(u.column('1.3.6.1.4.1.9').map(([i]) => i)).toEqual(['1']);
  });

  it('VarbindTable.of keeps a table and wraps an array', () => {
    expect(VarbindTable.of(t)).toBe(t);
    expect(VarbindTable.of([vb('1.2.3', 5)]).get('1.2.3')?.value).toBe(5);
  });
});
