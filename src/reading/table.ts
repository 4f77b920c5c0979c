/** Random access to a set of varbinds: scalars by OID, table columns by row index. */
import type { Varbind } from '../snmp/types.js';
import { isException } from '../snmp/types.js';

export class VarbindTable {
  private readonly byOid = new Map<string, Varbind>();
  /** Columns already looked up: decoders ask for the same ones several times. */
  private readonly columns = new Map<string, Array<[string, Varbind]>>();

  constructor(varbinds: Iterable<Varbind>) {
    for (const vb of varbinds) if (!isException(vb)) this.byOid.set(vb.oid, vb);
  }

  get size(): number {
    return this.byOid.size;
  }

  get(oid: string): Varbind | undefined {
    return this.byOid.get(oid);
  }

  /** Rows of one column: [row index (the OID suffix after the column), varbind], in OID order. */
  column(column: string): Array<[string, Varbind]> {
    const cached = this.columns.get(column);
    if (cached) return cached;
    const prefix = column + '.';
    const rows: Array<[string, Varbind]> = [];
    for (const [oid, vb] of this.byOid) if (oid.startsWith(prefix)) rows.push([oid.slice(prefix.length), vb]);
    rows.sort((a, b) => compareIndex(a[0], b[0]));
    this.columns.set(column, rows);
    return rows;
  }

  /** The value of `column` at row `index`. */
  cell(column: string, index: string): Varbind | undefined {
    return this.byOid.get(`${column}.${index}`);
  }

  all(): Varbind[] {
    return [...this.byOid.values()];
  }
}

function compareIndex(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return pa.length - pb.length;
}
