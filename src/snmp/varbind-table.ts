/**
 * Random access to one device's varbinds: scalars by OID, table columns by row index.
 * Built once per device and shared by the decoder and the profile engine. Varbinds are
 * kept sorted by OID, so a column is a binary search plus a slice: a decoder asking for
 * forty columns does not scan every varbind forty times.
 */
import { compareOids, isException, type Varbind } from './types.js';

export type Row = [index: string, varbind: Varbind];

export class VarbindTable {
  private readonly byOid = new Map<string, Varbind>();
  private readonly sorted: Varbind[];
  /** Columns already looked up: decoders ask for the same ones several times. */
  private readonly columns = new Map<string, Row[]>();

  constructor(varbinds: Iterable<Varbind>) {
    for (const vb of varbinds) {
      if (isException(vb)) continue;
      const oid = vb.oid.charCodeAt(0) === 46 ? vb.oid.slice(1) : vb.oid;
      this.byOid.set(oid, oid === vb.oid ? vb : { ...vb, oid });
    }
    this.sorted = [...this.byOid.values()].sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** A table as given, or a new one over the varbinds. */
  static of(source: VarbindTable | Iterable<Varbind>): VarbindTable {
    return source instanceof VarbindTable ? source : new VarbindTable(source);
  }

  get size(): number {
    return this.byOid.size;
  }

  get(oid: string): Varbind | undefined {
    return this.byOid.get(oid.charCodeAt(0) === 46 ? oid.slice(1) : oid);
  }

  /** Rows of one column: [row index (the OID suffix after the column), varbind], in OID order. */
  column(column: string): Row[] {
    const key = column.charCodeAt(0) === 46 ? column.slice(1) : column;
    const cached = this.columns.get(key);
    if (cached) return cached;
    const rows: Row[] = [];
    const start = key.length + 1;
    // First varbind after the column OID itself; the column's rows follow contiguously.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOids(this.sorted[mid]!.oid, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length; i++) {
      const vb = this.sorted[i]!;
      if (vb.oid.length <= start || vb.oid.charCodeAt(key.length) !== 46 || !vb.oid.startsWith(key)) break;
      rows.push([vb.oid.slice(start), vb]);
    }
    this.columns.set(key, rows);
    return rows;
  }

  /** The value of `column` at row `index`. */
  cell(column: string, index: string): Varbind | undefined {
    return this.get(`${column}.${index}`);
  }

  /** Every varbind, in OID order. */
  all(): Varbind[] {
    return this.sorted;
  }
}
